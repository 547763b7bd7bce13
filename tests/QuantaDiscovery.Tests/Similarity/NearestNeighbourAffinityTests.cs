using QuantaDiscovery.Cli;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using QuantaDiscovery.Similarity;
using QuantaDiscovery.Tests.Cluster;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Similarity;

public class NearestNeighbourAffinityTests
{
    private static readonly string Data = TestPaths.InRepo("tests/QuantaDiscovery.Tests/Similarity/data");

    [Fact]
    public void Graph_EqualsScipyReference()
    {
        // knn_graph.npz: numpy/scipy's union 8-nearest-neighbour graph of gradients_medium (make_knn_graph.py), float64 data.
        var reference = SparseAffinity.Load(Path.Combine(Data, "knn_graph.npz"));
        var ours = GradientSimilarity.NearestNeighbourAffinity(Path.Combine(ClusterFixtures.Data, "gradients_medium.npy"), 8);
        Assert.Equal(reference.Size, ours.Size);
        Assert.Equal(reference.RowStarts, ours.RowStarts);
        Assert.Equal(reference.Columns, ours.Columns);
        for (int p = 0; p < ours.Entries; p++)
            Assert.True(Math.Abs(reference.Values[p] - ours.Values[p]) < 2e-6, $"entry {p}: scipy {reference.Values[p]}, ours {ours.Values[p]}");
    }

    [Fact]
    public void Entries_AreTheDenseAffinitysLargest()
    {
        const int m = 5;
        var g = Npy.Read<float>(Path.Combine(Data, "gradients.npy"));
        int n = g.Rows;
        var dense = GradientSimilarity.Affinity(g.Data, n, g.Columns);
        var graph = GradientSimilarity.NearestNeighbourAffinity(g.Data, n, g.Columns, m);
        for (int i = 0; i < n; i++)
        {
            var stored = graph.Columns[graph.RowStarts[i]..graph.RowStarts[i + 1]];
            Assert.True(stored.Length >= m, $"row {i} has {stored.Length} entries");
            Assert.DoesNotContain(i, stored);
            foreach (int j in stored)
                Assert.True(Math.Abs(graph[i, j] - dense[i * n + j]) < 2e-6, $"({i}, {j}): graph {graph[i, j]}, dense {dense[i * n + j]}");
            // Every off-diagonal affinity clearly above the row's m-th largest is kept.
            var row = Enumerable.Range(0, n).Where(j => j != i).Select(j => dense[i * n + j]).OrderDescending().ToArray();
            foreach (int j in Enumerable.Range(0, n).Where(j => j != i && dense[i * n + j] > row[m - 1] + 1e-6))
                Assert.Contains(j, stored);
        }
    }

    [Fact]
    public async Task Cli_WritesTheGraph_AndRejectsTooManyNeighbours()
    {
        var folder = TestPaths.NewTempFolder();
        var gradients = Path.Combine(Data, "gradients.npy");
        var graph = Path.Combine(folder, "graph.npz");
        Assert.Equal(0, await CliRun.Quiet(["similarity", "--gradients", gradients, "--knn", "5", "--output", graph]));
        var written = SparseAffinity.Load(graph);
        Assert.Equal(60, written.Size);
        Assert.Equal(2, await CliRun.Quiet(["similarity", "--gradients", gradients, "--knn", "60", "--output", graph]));
    }
}
