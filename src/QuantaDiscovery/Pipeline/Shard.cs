using System.Globalization;

namespace QuantaDiscovery.Pipeline;

/// <summary>
/// One unit of a data-parallel stage: document block <see cref="Index"/> of <see cref="Count"/>, and, when the stage's
/// models are split too (<see cref="Models"/> &gt; 1), model <see cref="Model"/> of <see cref="Models"/> — for the
/// <c>losses</c> stage, one (model, checkpoint) folder of its list. Blocks are contiguous, block i = [⌊i·D/N⌋,
/// ⌊(i+1)·D/N⌋) of D documents: concatenating the shards' tables in block order keeps rows in document order, so a
/// merge needs no sort. <see cref="Models"/> = 1 means every model in every shard.
/// </summary>
public readonly record struct Shard(int Index, int Count, int Model = 0, int Models = 1)
{
    /// <summary>Parses <c>i/N</c>, the document block (e.g. <c>0/4</c>).</summary>
    public static Shard Parse(string text)
    {
        var (index, count) = ParseFraction(text, "shard");
        return new Shard(index, count);
    }

    /// <summary>This shard restricted to model <c>m/M</c> (e.g. <c>2/7</c>: the third of seven model folders).</summary>
    public Shard WithModel(string text)
    {
        var (model, models) = ParseFraction(text, "model");
        return this with { Model = model, Models = models };
    }

    private static (int Index, int Count) ParseFraction(string text, string what)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            throw new FormatException($"{what} '{text}' is not of the form i/N (e.g. 0/4)");
        if (count < 1 || index >= count)
            throw new FormatException($"{what} '{text}': need N ≥ 1 and 0 ≤ i < N");
        return (index, count);
    }

    /// <summary>The block [Start, End) of ordinals among <paramref name="total"/> items.</summary>
    public (long Start, long End) Block(long total) => (total * Index / Count, total * (Index + 1) / Count);

    /// <summary>
    /// The shard's folder name, <c>i-of-N</c>, or <c>i-of-N.model-m-of-M</c> with models split; <see cref="TryParseFolderName"/>
    /// reads it back.
    /// </summary>
    public string FolderName => Models == 1
        ? string.Create(CultureInfo.InvariantCulture, $"{Index}-of-{Count}")
        : string.Create(CultureInfo.InvariantCulture, $"{Index}-of-{Count}.model-{Model}-of-{Models}");

    public static bool TryParseFolderName(string name, out Shard shard)
    {
        shard = default;
        var halves = name.Split(".model-");
        if (halves.Length > 2 || !TryParseOf(halves[0], out int index, out int count)) return false;
        int model = 0, models = 1;
        if (halves.Length == 2 && !TryParseOf(halves[1], out model, out models)) return false;
        shard = new Shard(index, count, model, models);
        return true;
    }

    private static bool TryParseOf(string text, out int index, out int count)
    {
        index = count = 0;
        var parts = text.Split("-of-");
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out count) && count >= 1 && index < count;
    }

    public override string ToString() => Models == 1
        ? string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}")
        : string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count} model {Model}/{Models}");
}
