using QuantaDiscovery.Common;
using QuantaDiscovery.Similarity;
using Xunit.Abstractions;

namespace QuantaDiscovery.Tests.Common;

[CollectionDefinition(nameof(MemoryMeasurements), DisableParallelization = true)]
public sealed class MemoryMeasurements;

/// <summary>
/// The similarity estimates against the measured growth of this process's peak resident set (VmHWM, reset through
/// /proc/self/clear_refs before each run; the tests in this collection run alone, so no other test's memory counts), at
/// three sizes each, within 25%. No timing is involved. Linux only (elsewhere there is no resettable peak to read).
/// </summary>
[Collection(nameof(MemoryMeasurements))]
public class MemoryEstimateTests(ITestOutputHelper output)
{
    private static long Status(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException($"no {key} in /proc/self/status");
    }

    /// <summary>How far the process's resident set rose above where it stood when <paramref name="run"/> started.</summary>
    private static long MeasuredGrowth(Action run)
    {
        // Aggressive: free memory the GC still holds committed from earlier tests goes back to the system, so that the run's
        // arrays raise the resident set instead of reusing it unseen.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        File.WriteAllText("/proc/self/clear_refs", "5");   // resets VmHWM to the current resident set
        long before = Status("VmRSS");
        run();
        return Status("VmHWM") - before;
    }

    private static string Gradients(int n, int d, int seed)
    {
        var random = new Random(seed);
        var values = new float[(long)n * d];
        for (long i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() - 0.5);
        var path = Path.Combine(TestPaths.NewTempFolder(), "gradients.npy");
        Npy.Write<float>(path, values, n, d);
        return path;
    }

    private void AssertWithin25Percent(ResourceEstimate estimate, long measured)
    {
        long expected = estimate.PeakBytes - MemoryBudget.ProcessBaseBytes;
        double ratio = (double)expected / measured;
        output.WriteLine($"{estimate.Step}: estimated {MemoryBudget.Format(expected)}, measured {MemoryBudget.Format(measured)}, ratio {ratio:F2}");
        Assert.True(ratio is >= 0.75 and <= 1.25,
            $"{estimate.Step}: estimated {MemoryBudget.Format(expected)} above the process base, measured {MemoryBudget.Format(measured)} (ratio {ratio:F2})");
    }

    /// <summary>
    /// In a child process (<see cref="ChildProcessPeak"/>): its peak is the whole process's, base included. The similarity
    /// command's process takes ~160 MiB before any data, below the 256 MiB the estimates assume for every step, so the sizes
    /// are those where the n² term dominates (at n = 3,500 the ratio was 1.24).
    /// </summary>
    [Theory]
    [InlineData(6000)]
    [InlineData(7000)]
    [InlineData(8000)]
    public void DenseSimilarity(int n)
    {
        if (!ChildProcessPeak.Available) return;
        const int d = 64;
        var path = Gradients(n, d, n);
        var affinity = Path.Combine(Path.GetDirectoryName(path)!, "affinity.npy");
        var (peak, error) = ChildProcessPeak.Quanta("similarity", "--gradients", path, "--output", affinity);
        Assert.Contains("estimate: dense similarity", error);
        var estimate = SimilarityEstimate.Dense(n, d);
        double ratio = (double)estimate.PeakBytes / peak;
        output.WriteLine($"{estimate.Step}: estimated {MemoryBudget.Format(estimate.PeakBytes)}, measured {MemoryBudget.Format(peak)}, ratio {ratio:F2}");
        Assert.True(ratio is >= 0.75 and <= 1.25, $"{estimate.Step}: estimated {MemoryBudget.Format(estimate.PeakBytes)}, measured peak {MemoryBudget.Format(peak)} (ratio {ratio:F2})");
    }

    [Theory]
    [InlineData(60_000)]
    [InlineData(120_000)]
    [InlineData(180_000)]
    public void NearestNeighbourGraphByForest(int n)
    {
        if (!OperatingSystem.IsLinux()) return;
        const int d = 8, m = 30;
        var path = Gradients(n, d, n);
        var graph = Path.Combine(Path.GetDirectoryName(path)!, "graph.npz");
        var search = new NeighbourSearchOptions { Method = NeighbourSearch.Forest, Trees = 4, Rounds = 1 };
        long measured = MeasuredGrowth(() => GradientSimilarity.WriteNearestNeighbourAffinity(path, graph, m, search));
        AssertWithin25Percent(SimilarityEstimate.Graph(n, d, m, search), measured);
    }

    [Fact]
    public void SizesParseAndTheLargestFittingSettingIsFound()
    {
        Assert.Equal(20L << 30, MemoryBudget.Parse("20G"));
        Assert.Equal(512L << 20, MemoryBudget.Parse("512MiB"));
        Assert.Equal(1536L << 20, MemoryBudget.Parse("1.5GB"));
        Assert.Throws<InputException>(() => MemoryBudget.Parse("lots"));
        Assert.Equal(37, MemoryBudget.LargestFitting(1, 100, 370, x => 10L * x));
        Assert.Null(MemoryBudget.LargestFitting(1, 100, 5, x => 10L * x));
        var refusal = Assert.Throws<InputException>(() =>
            MemoryBudget.Check(new ResourceEstimate("step", 2L << 30, 1), 1L << 30, "the largest K that fits is 7"));
        Assert.Contains("the largest K that fits is 7", refusal.Message);
        Assert.Contains("max-memory", refusal.Message);
    }
}
