namespace QuantaDiscovery.Cluster;

/// <summary>
/// The adjusted Rand index of Hubert &amp; Arabie (1985, "Comparing partitions", J. Classification 2:193–218):
/// ARI = (Σ_ij C(n_ij, 2) − E) / (½[Σ_i C(a_i, 2) + Σ_j C(b_j, 2)] − E), E = Σ_i C(a_i, 2)·Σ_j C(b_j, 2) / C(n, 2),
/// with n_ij the contingency table of the two labelings and a_i, b_j its row and column sums. 1 for identical
/// partitions, about 0 for independent ones; the same value as <c>sklearn.metrics.adjusted_rand_score</c>.
/// </summary>
public static class AdjustedRandIndex
{
    public static double Compute(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted)
    {
        if (truth.Length != predicted.Length)
            throw new ArgumentException($"labelings differ in length: {truth.Length} and {predicted.Length}");
        if (truth.Length < 2) return 1.0;
        var cells = new Dictionary<(int, int), long>();
        var rows = new Dictionary<int, long>();
        var columns = new Dictionary<int, long>();
        for (int i = 0; i < truth.Length; i++)
        {
            cells[(truth[i], predicted[i])] = cells.GetValueOrDefault((truth[i], predicted[i])) + 1;
            rows[truth[i]] = rows.GetValueOrDefault(truth[i]) + 1;
            columns[predicted[i]] = columns.GetValueOrDefault(predicted[i]) + 1;
        }
        double index = cells.Values.Sum(Pairs);
        double rowPairs = rows.Values.Sum(Pairs), columnPairs = columns.Values.Sum(Pairs);
        double expected = rowPairs * columnPairs / Pairs(truth.Length);
        double maximum = (rowPairs + columnPairs) / 2;
        // The denominator vanishes only when both partitions are all-singletons or one block: then they agree.
        return maximum == expected ? 1.0 : (index - expected) / (maximum - expected);
    }

    private static double Pairs(long count) => count * (count - 1) / 2.0;
}
