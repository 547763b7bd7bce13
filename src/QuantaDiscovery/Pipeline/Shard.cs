using System.Globalization;

namespace QuantaDiscovery.Pipeline;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> of a data-parallel stage. Shards are contiguous blocks of
/// documents, block i = [⌊i·D/N⌋, ⌊(i+1)·D/N⌋) of D: concatenating the shards' tables in shard order keeps
/// rows in document order, so a merge needs no sort.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            throw new FormatException($"shard '{text}' is not of the form i/N (e.g. 0/4)");
        if (count < 1 || index >= count)
            throw new FormatException($"shard '{text}': need N ≥ 1 and 0 ≤ i < N");
        return new Shard(index, count);
    }

    /// <summary>The block [Start, End) of ordinals among <paramref name="total"/> items.</summary>
    public (long Start, long End) Block(long total) => (total * Index / Count, total * (Index + 1) / Count);

    /// <summary>The shard's folder name, e.g. <c>0-of-4</c>; <see cref="TryParseFolderName"/> reads it back.</summary>
    public string FolderName => string.Create(CultureInfo.InvariantCulture, $"{Index}-of-{Count}");

    public static bool TryParseFolderName(string name, out Shard shard)
    {
        shard = default;
        var parts = name.Split("-of-");
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1 || index >= count)
            return false;
        shard = new Shard(index, count);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
