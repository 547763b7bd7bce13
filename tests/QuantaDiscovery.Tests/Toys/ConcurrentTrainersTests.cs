using QuantaDiscovery.Common;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Toys.Grokking;
using QuantaDiscovery.Toys.SparseParity;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Toys;

/// <summary>
/// The library sets no process-wide state: the caller chooses libtorch's thread count (here, each on its own OS thread,
/// as libtorch's OpenMP setting belongs to the calling thread), and two trainers running at once with different
/// thread counts give exactly what each gives alone with the same count.
/// </summary>
public class ConcurrentTrainersTests
{
    private static readonly GrokkingOptions Grok = new() { Modulus = 23, TrainFraction = 0.5, Steps = 80, Seed = 4 };

    private static readonly SparseParityOptions Parity = new()
    {
        Tasks = 4, Bits = 8, SubsetSize = 2, Width = 64, BatchSize = 256, Steps = 60, EvalEvery = 20, EvalSamplesPerTask = 64, Seed = 2,
    };

    private static double[] Trace(GrokkingRun run) => [.. run.Metrics.SelectMany(m => new[] { m.TrainLoss, m.ValidationLoss, m.WeightNorm })];

    private static double[] Trace(SparseParityRun run) => [.. run.Evaluations.SelectMany(e => e.TaskLosses.Append(e.TrainLoss).Append(e.TestLoss))];

    [Fact]
    public async Task TwoTrainersAtOnceWithDifferentThreadCountsMatchTheirSingleRuns()
    {
        var grokAlone = Trace(await TestThreads.OnThreadWith(1, () => GrokkingTrainer.Train(Grok)));
        var parityAlone = Trace(await TestThreads.OnThreadWith(2, () => SparseParityTrainer.Train(Parity)));

        var grokTogether = TestThreads.OnThreadWith(1, () => GrokkingTrainer.Train(Grok));
        var parityTogether = TestThreads.OnThreadWith(2, () => SparseParityTrainer.Train(Parity));
        await Task.WhenAll(grokTogether, parityTogether);

        Assert.Equal(grokAlone, Trace(await grokTogether));
        Assert.Equal(parityAlone, Trace(await parityTogether));

        // the same trainer at once with two thread counts, each against its own single run
        var grokTwoAlone = Trace(await TestThreads.OnThreadWith(2, () => GrokkingTrainer.Train(Grok)));
        var one = TestThreads.OnThreadWith(1, () => GrokkingTrainer.Train(Grok));
        var two = TestThreads.OnThreadWith(2, () => GrokkingTrainer.Train(Grok));
        await Task.WhenAll(one, two);
        Assert.Equal(grokAlone, Trace(await one));
        Assert.Equal(grokTwoAlone, Trace(await two));
    }
}
