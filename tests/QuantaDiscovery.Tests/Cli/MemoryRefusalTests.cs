using QuantaDiscovery.Cli;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using QuantaDiscovery.Similarity;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Cli;

/// <summary>`quanta similarity` and `quanta cluster` print their estimate and refuse, with exit 2 and the largest setting that fits, above --max-memory.</summary>
public class MemoryRefusalTests
{
    private static async Task<(int Code, string Error)> Run(params string[] arguments)
    {
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            return (await QuantaCli.RunAsync(arguments), error.ToString());
        }
        finally
        {
            Console.SetError(saved);
        }
    }

    [Fact]
    public async Task AboveTheBudgetTheStepsRefuseAndNameWhatFits()
    {
        var folder = TestPaths.NewTempFolder();
        const int n = 400, d = 16;
        var random = new Random(1);
        var gradients = Path.Combine(folder, "gradients.npy");
        Npy.Write<float>(gradients, Enumerable.Range(0, n * d).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray(), n, d);
        var graph = Path.Combine(folder, "graph.npz");

        var (code, error) = await Run("similarity", "--gradients", gradients, "--output", Path.Combine(folder, "dense.npy"), "--max-memory", "259M");
        Assert.Equal(2, code);
        Assert.Contains("dense similarity, n = 400", error);
        Assert.Contains("m-nearest-neighbour graph fits up to m = ", error);
        Assert.False(File.Exists(Path.Combine(folder, "dense.npy")));

        (code, error) = await Run("similarity", "--gradients", gradients, "--output", graph, "--knn", "10");
        Assert.Equal(0, code);
        Assert.Contains("estimate: m-NN graph (exact)", error);

        (code, error) = await Run("cluster", "--affinity", graph, "--clusters", "150", "--output", Path.Combine(folder, "labels.npy"), "--max-memory", "257M");
        Assert.Equal(2, code);
        Assert.Contains("the largest K that fits is ", error);
        Assert.Contains("max-memory", error);
        int largest = int.Parse(error[(error.IndexOf("the largest K that fits is ", StringComparison.Ordinal) + 27)..].Split(' ', ',')[0].Replace(",", ""));
        Assert.InRange(largest, 2, 149);
        Assert.True(ClusterEstimate.Estimate(n, SparseEntries(graph), sparse: true, largest).PeakBytes <= MemoryBudget.Parse("257M"));
        Assert.True(ClusterEstimate.Estimate(n, SparseEntries(graph), sparse: true, largest + 1).PeakBytes > MemoryBudget.Parse("257M"));

        // Below the process's own base no K fits, and the line says what K = 2 would need.
        (code, error) = await Run("cluster", "--affinity", graph, "--clusters", "150", "--output", Path.Combine(folder, "labels.npy"), "--max-memory", "100M");
        Assert.Equal(2, code);
        Assert.Contains("no K fits: K = 2 already needs about ", error);
        Assert.False(File.Exists(Path.Combine(folder, "labels.npy")));
    }

    private static long SparseEntries(string path) => SparseAffinity.PeekShape(path).Entries;
}
