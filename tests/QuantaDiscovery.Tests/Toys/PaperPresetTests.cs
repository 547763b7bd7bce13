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
        Assert.Same(BimtOptions.Authors, BimtOptions.Preset("authors"));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(new BimtOptions()), System.Text.Json.JsonSerializer.Serialize(BimtOptions.Preset("light")));
        // `quanta bimt` takes every other option's default from the light preset, so the two must differ only here.
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(new BimtOptions() with { Precision = Precision.Float64, Seed = 4 }),
            System.Text.Json.JsonSerializer.Serialize(BimtOptions.Authors));
        Assert.Throws<QuantaDiscovery.Common.InputException>(() => BimtOptions.Preset("paper"));
    }

    /// <summary>KindXiaoming/Omnigrok, mod-addition/grokking/modular-addition-grokking.ipynb (Fig. 7's baseline run).</summary>
    [Fact]
    public void Omnigrok_transformer_preset_is_the_notebook_run()
    {
        var omnigrok = GrokkingOptions.Preset("omnigrok");
        Assert.Equal((GrokkingArchitecture.Transformer, BinaryOperation.Add, 113, 0.3, Precision.Float64),
            (omnigrok.Architecture, omnigrok.Operation, omnigrok.ResolvedModulus, omnigrok.TrainFraction, omnigrok.Precision));
        Assert.Equal((1e-3, 1.0, 0.9, 0.98), (omnigrok.ResolvedLearningRate, omnigrok.ResolvedWeightDecay, omnigrok.Beta1, omnigrok.Beta2));
        Assert.Equal((15_000, 42, TransformerInit.Nanda), (omnigrok.Steps, omnigrok.Seed, omnigrok.TransformerInit));
        Assert.Equal((1.0, false), (omnigrok.InitScale, omnigrok.ConstrainNorm));
        var light = GrokkingOptions.Preset("light");
        Assert.Equal((GrokkingArchitecture.Mlp, 59, 0.5, Precision.Float32, 3000, 0, TransformerInit.FanIn),
            (light.Architecture, light.ResolvedModulus, light.TrainFraction, light.Precision, light.Steps, light.Seed, light.TransformerInit));
        Assert.Throws<QuantaDiscovery.Common.InputException>(() => GrokkingOptions.Preset("paper"));
    }

    /// <summary>
    /// The notebook's transformer (d_model 128, d_mlp 512, 4 heads) draws W_out with sd 1/√d_model and W_U with sd
    /// 1/√d_vocab (d_vocab = p + 1 = 114); the fan-in default draws them with 1/√d_mlp and 1/√d_model.
    /// </summary>
    [Fact]
    public void Nanda_initial_scales_of_the_transformer()
    {
        double Sd(GrokkingTransformer model, string name)
        {
            var values = model.named_parameters().Single(p => p.name == name).parameter.data<float>().ToArray();
            double mean = values.Average(v => (double)v);
            return Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        }
        TorchSharp.torch.manual_seed(1);
        using var nanda = new GrokkingTransformer(113, init: TransformerInit.Nanda);
        using var fanIn = new GrokkingTransformer(113);
        Assert.Equal(1 / Math.Sqrt(128), Sd(nanda, "mlpOut"), 0.004);
        Assert.Equal(1 / Math.Sqrt(114), Sd(nanda, "unembedding"), 0.004);
        Assert.Equal(1 / Math.Sqrt(512), Sd(fanIn, "mlpOut"), 0.004);
        Assert.Equal(1 / Math.Sqrt(128), Sd(fanIn, "unembedding"), 0.004);
        Assert.Equal(Sd(fanIn, "mlpIn"), Sd(nanda, "mlpIn"), 0.004);
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
            ShuffleEpochs = true, EarlyStopping = true, DistinctSubsets = true,
        };
        var run = SparseParityTrainer.Train(options);
        Assert.Equal(300, run.Evaluations[^1].Step); // no stop before step 4,000
        Assert.All(run.Evaluations, e => Assert.True(double.IsFinite(e.TestLoss)));
    }
}
