using QuantaDiscovery.Toys.Bimt;
using QuantaDiscovery.Toys.Grokking;
using QuantaDiscovery.Toys.SparseParity;

namespace QuantaDiscovery.Tests.Toys;

/// <summary>Each paper preset holds exactly the cited values; the light CPU defaults stay apart.</summary>
public class PaperPresetTests
{
    /// <summary>scripts/sparse-parity-v4.py with experiments/P-scaling-15 and D-scaling-6's arguments (see SparseParityOptions.Paper).</summary>
    [Fact]
    public void Sparse_parity_paper_preset_is_the_authors_run()
    {
        var paper = SparseParityOptions.Preset("paper");
        Assert.Equal((500, 100, 3, 0.4), (paper.Tasks, paper.Bits, paper.SubsetSize, paper.Alpha));
        Assert.Equal((500, 20_000, 200_000), (paper.Width, paper.BatchSize, paper.Steps));
        Assert.Equal((1e-3, 0.0), (paper.LearningRate, paper.WeightDecay));
        Assert.Equal((100, 1000), (paper.EvalEvery, paper.EvalSamplesPerTask));
        Assert.Equal(0.1 * Math.Log(2), paper.ConvergenceLoss, 12);
        Assert.True(paper.DistinctSubsets && paper.ShuffleEpochs && paper.EarlyStopping);
        Assert.Equal((Precision.Float32, 0), (paper.Precision, paper.Seed));
        var light = SparseParityOptions.Preset("reduced");
        Assert.Equal((32, 32, 128, 30_000, 0.01), (light.Tasks, light.Bits, light.Width, light.Steps, light.WeightDecay));
        Assert.False(light.DistinctSubsets);
    }

    [Fact]
    public void Bimt_authors_preset_is_float64_seed_4()
    {
        Assert.Equal((Precision.Float64, 4), (BimtOptions.Authors.Precision, BimtOptions.Authors.Seed));
        Assert.Equal((Precision.Float32, 0), (new BimtOptions().Precision, new BimtOptions().Seed));
    }

    [Fact]
    public void Omnigrok_transformer_preset()
    {
        var omnigrok = GrokkingOptions.OmnigrokTransformer;
        Assert.Equal((GrokkingArchitecture.Transformer, 0.3, Precision.Float64), (omnigrok.Architecture, omnigrok.TrainFraction, omnigrok.Precision));
        Assert.Equal(0.5, new GrokkingOptions().TrainFraction);
    }

    [Fact]
    public void Distinct_subsets_never_repeat_where_the_light_default_may()
    {
        // 60 tasks over C(8,2) = 28 subsets cannot be distinct; 28 tasks can, and the authors' draw finds them.
        var distinct = new SparseParityTask(28, 8, 2, 0.4, seed: 3, distinctSubsets: true);
        Assert.Equal(28, distinct.Subsets.Select(s => string.Join(',', s)).Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SparseParityTask(60, 8, 2, 0.4, seed: 3, distinctSubsets: true));
        var repeats = new SparseParityTask(28, 8, 2, 0.4, seed: 3);
        Assert.True(repeats.Subsets.Select(s => string.Join(',', s)).Distinct().Count() < 28);
    }

    [Fact]
    public void Epoch_shuffling_and_early_stopping_run_on_a_fixed_dataset()
    {
        var options = new SparseParityOptions
        {
            Tasks = 4, Bits = 8, Width = 16, BatchSize = 64, DatasetSize = 200, Steps = 300, EvalEvery = 10, EvalSamplesPerTask = 32,
            ShuffleEpochs = true, EarlyStopping = true, DistinctSubsets = true, Threads = 1,
        };
        var run = SparseParityTrainer.Train(options);
        Assert.Equal(300, run.Evaluations[^1].Step); // no stop before step 4,000
        Assert.All(run.Evaluations, e => Assert.True(double.IsFinite(e.TestLoss)));
    }
}
