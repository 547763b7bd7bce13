using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using QuantaDiscovery.Tests.Gradients;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Common;

/// <summary>
/// The library changes libtorch's thread count only for the calling thread and only while it runs: a thread started
/// meanwhile sees the process-wide count the caller chose. The class sets that count itself, so it runs alone.
/// </summary>
[Collection(nameof(TorchThreadCountSensitive))]
public class TorchThreadsTests
{
    /// <summary>The count a thread that has not run libtorch before sees on its first call.</summary>
    private static int CountOnAFreshThread()
    {
        int count = 0;
        var thread = new Thread(() => count = TorchThreads.Count);
        thread.Start();
        thread.Join();
        return count;
    }

    /// <summary>Runs <paramref name="test"/> with the process-wide count at 3 (neither 1 nor a usual core count), then restores it.</summary>
    private static void WithProcessCount(Action test)
    {
        int before = get_num_threads();
        set_num_threads(3);
        try { test(); }
        finally { set_num_threads(before); }
    }

    [Fact]
    public void AThreadScopeChangesOnlyItsOwnThreadUntilDisposed() => WithProcessCount(() =>
    {
        Assert.Equal(3, TorchThreads.Count);
        using (TorchThreads.OnThisThread(5))
        {
            Assert.Equal(5, TorchThreads.Count);
            Assert.Equal(3, CountOnAFreshThread());
        }
        Assert.Equal(3, TorchThreads.Count);
    });

    [Fact]
    public void SingleThreadedWorkLeavesOtherThreadsAndSpreadsOverTheCallersCount() => WithProcessCount(() =>
    {
        var seenInLoop = new List<int>();
        var (inside, fresh, width) = TorchThreads.SingleThreaded(() =>
        {
            TorchThreads.For(8, _ => { lock (seenInLoop) seenInLoop.Add(TorchThreads.Count); });
            return (TorchThreads.Count, CountOnAFreshThread(), TorchThreads.Width);
        });
        Assert.Equal(1, inside);
        Assert.Equal(3, fresh);
        Assert.Equal(3, width);
        Assert.All(seenInLoop, count => Assert.Equal(1, count));
        Assert.Equal(8, seenInLoop.Count);
        Assert.Equal(3, TorchThreads.Count);
    });

    [Fact]
    public async Task APipelineStageWithItsOwnThreadCountLeavesTheProcessCountAlone()
    {
        var folder = TestPaths.NewTempFolder();
        var pipeline = Path.Combine(folder, "grok.yaml");
        File.WriteAllText(pipeline, "stages:\n  grok:\n    kind: grok\n    p: 7\n    steps: 2\n    threads: 1\n");
        int before = get_num_threads();
        set_num_threads(3);
        try
        {
            Assert.Equal(0, await CliRun.Quiet(["run", pipeline, "--work", Path.Combine(folder, "work")]));
            Assert.Equal(3, CountOnAFreshThread());
        }
        finally { set_num_threads(before); }
    }

    [Fact]
    public async Task ClusteringsRunningAtOnceWithDifferentCountsMatchTheirSingleRuns()
    {
        var random = new Random(7);
        var points = Enumerable.Range(0, 2000 * 8).Select(_ => (float)random.NextDouble()).ToArray();
        KMeansResult Fit() => KMeans.Fit(points, 2000, 8, 12, new KMeansOptions { Restarts = 6, Seed = 2 });

        var oneAlone = await TestThreads.OnThreadWith(1, Fit);
        var twoAlone = await TestThreads.OnThreadWith(2, Fit);
        var one = TestThreads.OnThreadWith(1, Fit);
        var two = TestThreads.OnThreadWith(2, Fit);
        await Task.WhenAll(one, two);

        Assert.Equal(oneAlone.Labels, (await one).Labels);
        Assert.Equal(oneAlone.Centers, (await one).Centers);
        Assert.Equal(twoAlone.Labels, (await two).Labels);
        Assert.Equal(twoAlone.Centers, (await two).Centers);
    }
}
