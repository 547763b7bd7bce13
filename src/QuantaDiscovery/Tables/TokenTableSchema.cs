namespace QuantaDiscovery.Tables;

/// <summary>
/// The columns of a per-token table: <c>doc</c> (int64, the corpus document index), <c>pos</c> (int32, token
/// position in the document), <c>token</c> (int32, token id), one float32 column per loss (<c>loss</c> for a single
/// model; one per model, named by the caller, for a loss matrix) and an optional <c>set</c> (string, the Pile subset).
/// </summary>
public sealed class TokenTableSchema
{
    public const string DocColumn = "doc";
    public const string PosColumn = "pos";
    public const string TokenColumn = "token";
    public const string SetColumn = "set";
    public const string SingleLossColumn = "loss";

    /// <summary>Names of the float32 loss columns, in file order.</summary>
    public IReadOnlyList<string> LossColumns { get; }

    /// <summary>Whether the table has the string <c>set</c> column.</summary>
    public bool HasSet { get; }

    public TokenTableSchema(IReadOnlyList<string> lossColumns, bool hasSet)
    {
        ArgumentNullException.ThrowIfNull(lossColumns);
        if (lossColumns.Count == 0)
            throw new ArgumentException("a token table needs at least one loss column", nameof(lossColumns));
        string[] reserved = [DocColumn, PosColumn, TokenColumn, SetColumn];
        foreach (var name in lossColumns)
        {
            if (string.IsNullOrWhiteSpace(name))
                throw new ArgumentException("a loss column name is empty", nameof(lossColumns));
            if (reserved.Contains(name))
                throw new ArgumentException($"'{name}' is reserved and cannot name a loss column", nameof(lossColumns));
        }
        var duplicate = lossColumns.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"loss column '{duplicate.Key}' is named twice", nameof(lossColumns));
        LossColumns = [.. lossColumns];
        HasSet = hasSet;
    }

    /// <summary>Per-token losses of one model: a single column named <c>loss</c>.</summary>
    public static TokenTableSchema SingleModel(bool hasSet = false) => new([SingleLossColumn], hasSet);

    /// <summary>A loss matrix: one float32 column per model, named after the models.</summary>
    public static TokenTableSchema LossMatrix(IReadOnlyList<string> modelNames, bool hasSet = false) => new(modelNames, hasSet);

    public override string ToString() =>
        $"{DocColumn}, {PosColumn}, {TokenColumn}, {string.Join(", ", LossColumns)}{(HasSet ? $", {SetColumn}" : "")}";
}
