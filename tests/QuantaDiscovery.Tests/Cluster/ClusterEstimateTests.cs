using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using QuantaDiscovery.Tests.Common;
using Xunit.Abstractions;

namespace QuantaDiscovery.Tests.Cluster;

/// <summary>
/// The spectral clustering estimate against the measured peak resident set of <c>quanta cluster</c> in a child process,
/// at three sizes, within 25%. No timing is involved. The runs are in the memory collection so that no other test's
/// child processes compete for the machine's memory at the same time.
/// </summary>
[Collection(nameof(MemoryMeasurements))]
public class ClusterEstimateTests(ITestOutputHelper output)
{
    /// <summary>
    /// A symmetric m-NN-like graph of <paramref name="clusters"/> planted clusters (sample i in cluster i mod clusters):
    /// each sample links to <paramref name="m"/> others, a share <paramref name="intra"/> of them in its own cluster (at 1,
    /// the clusters are the graph's components), weights in [0.5, 1].
    /// </summary>
    internal static (SparseAffinity Graph, int[] Truth) PlantedGraph(int n, int clusters, int m, int seed, double intra = 0.9)
    {
        var random = new Random(seed);
        var truth = Enumerable.Range(0, n).Select(i => i % clusters).ToArray();
        long edges = (long)n * m;
        var from = new int[edges];
        var to = new int[edges];
        var weight = new float[edges];
        for (int i = 0, e = 0; i < n; i++)
        {
            int c = truth[i], size = (n - c + clusters - 1) / clusters;
            for (int t = 0; t < m; t++, e++)
            {
                int j;
                do j = random.NextDouble() < intra ? c + clusters * random.Next(size) : random.Next(n);
                while (j == i);
                (from[e], to[e], weight[e]) = (i, j, (float)(0.5 + 0.5 * random.NextDouble()));
            }
        }
        var rowStarts = new int[n + 1];
        for (long e = 0; e < edges; e++) { rowStarts[from[e] + 1]++; rowStarts[to[e] + 1]++; }
        for (int i = 0; i < n; i++) rowStarts[i + 1] += rowStarts[i];
        var next = rowStarts[..n];
        var columns = new int[2 * edges];
        var values = new float[2 * edges];
        for (long e = 0; e < edges; e++)
        {
            (columns[next[from[e]]], values[next[from[e]]++]) = (to[e], weight[e]);
            (columns[next[to[e]]], values[next[to[e]]++]) = (from[e], weight[e]);
        }
        var merged = SparseAffinity.SortAndMergeRows(n, rowStarts, columns, values, Math.Max);
        int entries = merged[n];
        return (SparseAffinity.Create(n, merged, columns[..entries], values[..entries]), truth);
    }

    private void AssertWithin25Percent(ResourceEstimate estimate, long measured)
    {
        double ratio = (double)estimate.PeakBytes / measured;
        output.WriteLine($"{estimate.Step}: estimated {MemoryBudget.Format(estimate.PeakBytes)}, measured {MemoryBudget.Format(measured)}, ratio {ratio:F2}");
        Assert.True(ratio is >= 0.75 and <= 1.25,
            $"{estimate.Step}: estimated {MemoryBudget.Format(estimate.PeakBytes)}, measured peak {MemoryBudget.Format(measured)} (ratio {ratio:F2})");
    }

    [Theory]
    [InlineData(40_000, 64, LabelAssignment.KMeansLabels, EigenSolver.Auto)]
    [InlineData(80_000, 64, LabelAssignment.ClusterQrLabels, EigenSolver.Auto)]
    [InlineData(120_000, 64, LabelAssignment.KMeansLabels, EigenSolver.Auto)]
    [InlineData(80_000, 64, LabelAssignment.ClusterQrLabels, EigenSolver.Subspace)]
    // K = 1,000 where the blocks are small (12,000 × 1,198): the block solver's (K + K/5)² term is most of what it adds.
    [InlineData(12_000, 1_000, LabelAssignment.ClusterQrLabels, EigenSolver.Auto)]
    public void SpectralClusteringOfAGraph(int n, int clusters, string assignLabels, EigenSolver solver)
    {
        if (!ChildProcessPeak.Available) return;
        const int m = 15;
        var (graph, truth) = PlantedGraph(n, clusters, m, n);
        var folder = TestPaths.NewTempFolder();
        var path = Path.Combine(folder, "graph.npz");
        graph.Save(path);
        var labelsPath = Path.Combine(folder, "labels.npy");
        var (peak, error) = ChildProcessPeak.Quanta("cluster", "--affinity", path, "--clusters", $"{clusters}", "--n-init", "2",
            "--assign-labels", assignLabels, "--eigen-solver", solver.ToString().ToLowerInvariant(), "--output", labelsPath);
        // Auto picks the block solver (K = 64: 2.4 blocks of n × 79 columns against 64 locked columns and 7 blocks of n × 80).
        Assert.Contains($"estimate: spectral clustering (sparse affinity, {(solver == EigenSolver.Auto ? "block subspace" : "subspace")} eigensolver", error);
        AssertWithin25Percent(ClusterEstimate.Estimate(n, graph.Entries, sparse: true, clusters, assignLabels, solver), peak);
        var labels = Npy.Read<int>(labelsPath).Data;
        double ari = AdjustedRandIndex.Compute(truth, labels);
        output.WriteLine($"ARI against the planted clusters: {ari:F3}");
        Assert.True(ari > 0.9, $"ARI {ari:F3} against the planted clusters");
    }
}
