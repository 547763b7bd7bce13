using QuantaDiscovery.Common;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Toys;
using QuantaDiscovery.Toys.Bimt;
using QuantaDiscovery.Toys.Grokking;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Toys.Bimt;

public class BimtTests
{
    private static readonly BimtOptions Tiny = new()
    {
        Modulus = 11, EmbeddingDim = 8, HiddenWidths = [16, 16], Steps = 400, LearningRate = 1e-2, SwapEvery = 50, SwapTopK = 8,
        EvalEvery = 50, Frames = 2, Precision = Precision.Float64,
    };

    private static BimtNetwork RandomNetwork(int seed = 3)
    {
        return SeededInit.Create(seed, () => new BimtNetwork(classes: 7, embeddingDim: 6, hiddenWidths: [10, 9], ScalarType.Float64));
    }

    private static Tensor AllOperands(int p) =>
        tensor(Enumerable.Range(0, p * p).SelectMany(i => new long[] { i / p, i % p }).ToArray(), [p * p, 2]);

    [Fact]
    public void Swap_pass_leaves_the_outputs_unchanged()
    {
        using var network = RandomNetwork();
        using var operands = AllOperands(7);
        using var before = network.forward(operands).detach().clone();
        var pass = NeuronSwapper.Pass(network, new WiringGeometry(), topK: 10);
        using var after = network.forward(operands).detach();

        Assert.True(pass.Swaps > 0);
        Assert.NotEqual([0, 1, 2, 3, 4, 5], network.InputOrder);   // input and output slots moved as well
        Assert.NotEqual([0, 1, 2, 3, 4, 5, 6], network.OutputOrder);
        Assert.True(after.sub(before).abs().max().item<double>() <= 1e-6);
    }

    [Fact]
    public void Any_permutation_of_any_layer_leaves_the_outputs_unchanged()
    {
        using var network = RandomNetwork();
        using var operands = AllOperands(7);
        using var before = network.forward(operands).detach().clone();
        var random = new Random(5);
        for (int layer = 0; layer <= network.Depth; layer++)
        {
            var order = Enumerable.Range(0, network.Widths[layer]).ToArray();
            random.Shuffle(order);
            network.Permute(layer, order);
        }
        using var after = network.forward(operands).detach();
        Assert.True(after.sub(before).abs().max().item<double>() <= 1e-6);
        Assert.Throws<ArgumentException>(() => network.Permute(1, [0, 0, 1, 2, 3, 4, 5, 6, 7, 8]));
    }

    [Fact]
    public void Swap_pass_lowers_the_connection_cost_by_the_amount_it_reports()
    {
        using var network = RandomNetwork();
        var geometry = new WiringGeometry();
        using var cost = new WiringCost(network, geometry);
        double before = cost.Value(network);
        var pass = NeuronSwapper.Pass(network, geometry, topK: 10);
        double after = cost.Value(network);

        Assert.True(pass.Swaps > 0);
        Assert.True(after < before, $"cost {before} → {after}");
        Assert.Equal(before - after, pass.CostDecrease, 10);
        // A second pass starts from the improved arrangement and can only lower the cost further.
        NeuronSwapper.Pass(network, geometry, topK: 10);
        Assert.True(cost.Value(network) <= after + 1e-12);
    }

    [Fact]
    public void Connection_cost_equals_the_hand_computed_value_on_a_tiny_net()
    {
        // Widths [1 (two folds), 3, 2]; A = 2, y0 = 0.5. Positions: input 1/2; hidden 1/6, 1/2, 5/6; output 1/4, 3/4.
        using var network = new BimtNetwork(classes: 2, embeddingDim: 1, hiddenWidths: [3], ScalarType.Float64);
        using (no_grad())
        {
            network.Embedding.copy_(tensor(new double[] { 2, -4 }, [2, 1]));
            network.Weights[0].copy_(tensor(new double[] { 1, -1, 2, 0, 0, 3 }, [3, 2]));
            network.Biases[0].copy_(tensor(new double[] { 1, -2, 3 }));
            network.Weights[1].copy_(tensor(new double[] { 6, 0, 0, 0, 0, -3 }, [2, 3]));
            network.Biases[1].copy_(tensor(new double[] { 0, 4 }));
        }
        // embedding: mean|E| = 3, × y0                                            = 1.5
        // W0: lengths 2·(1/3) + 1/2 = 7/6 (rows 0, 2) and 1/2 (row 1):
        //     ((1 + 1)·7/6 + 2·1/2 + 3·7/6) / 6 = (41/6) / 6                       = 41/36
        // b0: mean 2, × y0                                                         = 1
        // W1: 6 at (out 1/4, hidden 1/6): 2·(1/12) + 1/2 = 2/3; −3 at (3/4, 5/6): 2/3
        //     (6·2/3 + 3·2/3) / 6                                                  = 1
        // b1: mean 2, × y0                                                         = 1
        const double expected = 1.5 + 41.0 / 36 + 1 + 1 + 1;
        using var cost = new WiringCost(network, new WiringGeometry(HorizontalScale: 2, LayerDistance: 0.5));
        Assert.Equal(expected, cost.Value(network), 12);
    }

    [Fact]
    public void Lambda_schedule_is_boosted_tenfold_in_the_middle_half()
    {
        var schedule = new LambdaSchedule();
        Assert.Equal(0.1, schedule.At(0, 20_000));
        Assert.Equal(0.1, schedule.At(4_999, 20_000));
        Assert.Equal(1.0, schedule.At(5_000, 20_000), 12);
        Assert.Equal(1.0, schedule.At(14_999, 20_000), 12);
        Assert.Equal(0.1, schedule.At(15_000, 20_000));
        Assert.Equal(0.1, schedule.At(19_999, 20_000));
        Assert.Equal(0, LambdaSchedule.None.At(10_000, 20_000));
        Assert.Throws<InputException>(() => new LambdaSchedule(BoostStart: 0.8, BoostEnd: 0.2).Validate());
    }

    [Fact]
    public void Training_learns_and_knocking_out_a_whole_layer_gives_chance_accuracy()
    {
        var run = BimtTrainer.Train(Tiny with { Knockouts = [KnockoutGroup.Parse("first half=1:0-7")] });
        var byName = run.Knockouts.ToDictionary(k => k.Group.Name);

        Assert.Equal(1.0, byName["none"].TrainAccuracy);
        Assert.True(run.Swaps > 0);
        // With a layer zeroed the logits are constant, so one class is predicted: exactly 1/p of the full table.
        foreach (var layer in new[] { "input layer", "hidden layer 1", "hidden layer 2" })
            Assert.Equal(1.0 / 11, byName[layer].TableAccuracy, 12);
        Assert.Equal(8, byName["first half"].Group.Count);
        var plain = BimtTrainer.Train(Tiny.Plain() with { Frames = 0 });
        Assert.True(run.Last.ConnectionCost < plain.Last.ConnectionCost, $"BIMT ℓ {run.Last.ConnectionCost} vs plain {plain.Last.ConnectionCost}");
    }

    [Fact]
    public void Swaps_without_penalty_follow_the_plain_run_because_the_optimiser_state_moves_with_the_weights()
    {
        var plain = BimtTrainer.Train(Tiny.Plain() with { Steps = 120, Frames = 0 });
        var swapped = BimtTrainer.Train(Tiny.Plain() with { Steps = 120, Frames = 0, SwapEvery = 20 });
        Assert.True(swapped.Swaps > 0);
        Assert.Equal(plain.Metrics.Count, swapped.Metrics.Count);
        foreach (var (a, b) in plain.Metrics.Zip(swapped.Metrics))
        {
            Assert.Equal(a.TrainLoss, b.TrainLoss, 6);
            Assert.Equal(a.ValidationAccuracy, b.ValidationAccuracy, 6);
        }
        Assert.NotEqual(plain.Final.Weights[1], swapped.Final.Weights[1]);
    }

    [Fact]
    public void Same_seed_gives_identical_metrics()
    {
        var options = Tiny with { Steps = 60, Frames = 0 };
        Assert.Equal(BimtTrainer.Train(options).Metrics, BimtTrainer.Train(options).Metrics);
    }

    [Fact]
    public void Knockout_groups_parse_describe_and_validate()
    {
        var group = KnockoutGroup.Parse("A = 0:3-5, 1:7,0:9");
        Assert.Equal("A", group.Name);
        Assert.Equal([3, 4, 5, 9], group.Neurons[0]);
        Assert.Equal([7], group.Neurons[1]);
        Assert.Equal("0:3-5,9;1:7", group.Describe());
        group.Validate([10, 8, 8, 5]);
        Assert.Throws<InputException>(() => group.Validate([10, 5, 5]));        // slot 7 of a 5-wide layer
        Assert.Throws<InputException>(() => KnockoutGroup.Parse("B=2:0-1").Validate([4, 4, 4]));   // output layer
        foreach (var bad in new[] { "noequals", "C=", "D=1", "E=1:5-2", "F=x:1", "G=1:1-2-3" })
            Assert.Throws<InputException>(() => KnockoutGroup.Parse(bad));
    }

    [Fact]
    public void Automatic_groups_find_the_modules_of_a_block_diagonal_net()
    {
        // Input 2 slots (one fold), hidden 4, output 2. Slots 0 → hidden 0, 1 and slot 1 → hidden 2 form two modules;
        // hidden 3 has no connection above 1% of the largest weight.
        double[] w0 = [1, 0, 0.5, 0, 0, -2, 0, 0.001];
        double[] w1 = [1, 1, 1, 1, 1, 1, 1, 1];
        var snapshot = new NetworkSnapshot(0, [2, 4, 2], 1, [w0, w1], [0, 1], [0, 1]);
        var groups = KnockoutGroup.Automatic(snapshot, relativeThreshold: 0.01);

        Assert.Equal(["input layer", "hidden layer 1", "module 1", "module 2", "unconnected"], groups.Select(g => g.Name));
        Assert.Equal("0:0;1:0-1", groups[2].Describe());
        Assert.Equal("0:1;1:2", groups[3].Describe());
        Assert.Equal("1:3", groups[4].Describe());
        Assert.Equal([3, 8], snapshot.ConnectionCounts(0.01));
    }

    [Fact]
    public void Report_and_comparison_write_their_files()
    {
        var folder = TestPaths.NewTempFolder();
        var comparison = BimtComparison.Run(Tiny with { Steps = 100, Frames = 1 }, folder);

        Assert.Equal("plain", comparison.Plain.Mode);
        Assert.Equal("bimt", comparison.Bimt.Mode);
        Assert.Equal(comparison.Bimt.FinalValidationAccuracy - comparison.Plain.FinalValidationAccuracy, comparison.AccuracyDifference, 12);
        Assert.True(File.Exists(Path.Combine(folder, "comparison.json")));
        foreach (var mode in new[] { "plain", "bimt" })
        {
            string run = Path.Combine(folder, mode);
            var metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
            Assert.Equal(BimtReport.MetricsHeader, metrics[0]);
            Assert.Equal(1 + 3, metrics.Length);  // steps 0, 50, 100
            Assert.Equal(BimtReport.KnockoutHeader, File.ReadLines(Path.Combine(run, "knockout.csv")).First());
            foreach (var file in new[] { "summary.json", "accuracy.png", "accuracy.svg", "loss.svg", "network.png", "network.svg",
                         "frames/step_000000.png", "frames/step_000100.png", "weight_0.npy" })
                Assert.True(new FileInfo(Path.Combine(run, file)).Length > 100, $"{mode}/{file}");
            Assert.Equal([16, 16], QuantaDiscovery.Common.Npy.Read<float>(Path.Combine(run, "weight_0.npy")).Shape);
        }
    }
}
