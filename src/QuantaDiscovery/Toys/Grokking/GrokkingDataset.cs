using QuantaDiscovery.Common;
using static TorchSharp.torch;

namespace QuantaDiscovery.Toys.Grokking;

/// <summary>A seeded train/validation split of an operation table: indices into the table's rows.</summary>
public sealed record GrokkingSplit(OperationTable Table, int[] TrainIndices, int[] ValidationIndices)
{
    /// <summary>
    /// Shuffles the table's rows with <c>new Random(seed)</c> and takes the first round(f·N) for training
    /// (at least one row on each side).
    /// </summary>
    public static GrokkingSplit Create(OperationTable table, double trainFraction, int seed)
    {
        if (!(trainFraction > 0 && trainFraction < 1))
            throw InputException.Invalid(nameof(trainFraction), trainFraction, "the training fraction must lie strictly between 0 and 1");
        var order = Enumerable.Range(0, table.Count).ToArray();
        new Random(seed).Shuffle(order);
        int trainSize = Math.Clamp((int)Math.Round(trainFraction * table.Count), 1, table.Count - 1);
        var train = order[..trainSize];
        var validation = order[trainSize..];
        Array.Sort(train);
        Array.Sort(validation);
        return new GrokkingSplit(table, train, validation);
    }

    /// <summary>Operands [n, 2] (int64) and results [n] (int64) of the given rows.</summary>
    public (Tensor Operands, Tensor Results) Tensors(int[] rows)
    {
        var operands = new long[rows.Length * 2];
        var results = new long[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            operands[2 * i] = Table.Left[rows[i]];
            operands[2 * i + 1] = Table.Right[rows[i]];
            results[i] = Table.Result[rows[i]];
        }
        return (tensor(operands, [rows.Length, 2]), tensor(results));
    }
}
