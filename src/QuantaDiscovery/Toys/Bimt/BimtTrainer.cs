using System.Diagnostics;
using QuantaDiscovery.Toys.Grokking;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantaDiscovery.Toys.Bimt;

/// <summary>Metrics of the network after <paramref name="Step"/> updates; λ is the strength used for the next update.</summary>
/// <param name="Connections">weights with |w| above the relative threshold of <see cref="BimtOptions.WeightThreshold"/></param>
public sealed record BimtStep(int Step, double Lambda, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy,
    double ConnectionCost, int Connections);

/// <summary>A finished run: metrics, the network's wiring at the frame steps (the last is the final network), and the knockouts.</summary>
public sealed record BimtRun(
    BimtOptions Options,
    int TrainSize,
    int ValidationSize,
    IReadOnlyList<BimtStep> Metrics,
    IReadOnlyList<NetworkSnapshot> Frames,
    IReadOnlyList<KnockoutResult> Knockouts,
    int Swaps,
    double WallSeconds)
{
    public NetworkSnapshot Final => Frames[^1];
    public BimtStep Last => Metrics[^1];
}

/// <summary>
/// Trains a <see cref="BimtNetwork"/> on a binary-operation table, full batch, with the wiring penalty λ·ℓ added to the
/// cross-entropy and a swap pass every few hundred steps (Liu, Gan &amp; Tegmark 2023); with
/// <see cref="BimtOptions.Plain"/> options the same network trains without either.
/// </summary>
public static class BimtTrainer
{
    /// <param name="progress">called at every recorded step</param>
    public static BimtRun Train(BimtOptions options, Action<BimtStep>? progress = null)
    {
        // Autograd is a per-thread libtorch setting: a caller's no_grad scope must not reach the training steps.
        using var autograd = enable_grad();
        options.Validate();
        var table = BinaryOperations.Table(options.Operation, options.ResolvedModulus);
        var split = GrokkingSplit.Create(table, options.TrainFraction, options.Seed);

        var dtype = options.Precision == Precision.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        using var network = SeededInit.Create(options.Seed, () => new BimtNetwork(table.Classes, options.EmbeddingDim, options.HiddenWidths, dtype));
        foreach (var group in options.Knockouts)
            group.Validate(network.Widths);
        var parameters = network.parameters().ToList();
        using var optimizer = optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay);
        var moments = parameters.Zip(optimizer.state_dict().State.Cast<AdamW.State>()).ToDictionary(p => p.First, p => p.Second);
        // A swap moves each weight's Adam moments with it, so the optimiser sees the same network as before.
        void PermuteMoments(Parameter parameter, int dim, Tensor index)
        {
            var state = moments[parameter];
            state.exp_avg.copy_(state.exp_avg.index_select(dim, index));
            state.exp_avg_sq.copy_(state.exp_avg_sq.index_select(dim, index));
        }

        using var wiring = new WiringCost(network, options.Geometry);
        var (trainX, trainY) = split.Tensors(split.TrainIndices);
        var (validationX, validationY) = split.Tensors(split.ValidationIndices);
        var (tableX, tableY) = split.Tensors(Enumerable.Range(0, table.Count).ToArray());
        using var _ = trainX; using var __ = trainY; using var ___ = validationX; using var ____ = validationY;
        using var _____ = tableX; using var ______ = tableY;

        var frameSteps = Enumerable.Range(0, options.Frames + 1)
            .Select(k => (int)Math.Round((double)k * options.Steps / Math.Max(options.Frames, 1))).ToHashSet();
        frameSteps.Add(options.Steps);
        var metrics = new List<BimtStep>();
        var frames = new List<NetworkSnapshot>();
        int swaps = 0;
        var clock = Stopwatch.StartNew();
        for (int step = 0; ; step++)
        {
            double lambda = options.Lambda.At(Math.Min(step, options.Steps - 1), options.Steps);
            if (step % options.EvalEvery == 0 || step == options.Steps)
            {
                var record = Evaluate(network, wiring, options, step, lambda, trainX, trainY, validationX, validationY);
                metrics.Add(record);
                progress?.Invoke(record);
            }
            if (frameSteps.Contains(step))
                frames.Add(NetworkSnapshot.Of(network, step));
            if (step == options.Steps)
                break;

            using (var scope = NewDisposeScope())
            {
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(network.forward(trainX), trainY);
                if (lambda > 0)
                    loss = loss + wiring.Of(network).mul(lambda);
                loss.backward();
                optimizer.step();
            }
            if (options.SwapEvery > 0 && (step + 1) % options.SwapEvery == 0)
                swaps += NeuronSwapper.Pass(network, options.Geometry, options.SwapTopK, PermuteMoments).Swaps;
        }
        clock.Stop();

        var groups = new List<KnockoutGroup> { new("none", KnockoutKind.None, new Dictionary<int, int[]>()) };
        groups.AddRange(options.Knockouts);
        groups.AddRange(KnockoutGroup.Automatic(frames[^1], options.WeightThreshold));
        var knockouts = groups.Select(g => new KnockoutResult(g,
            Accuracy(network, trainX, trainY, g.Neurons), Accuracy(network, validationX, validationY, g.Neurons),
            Accuracy(network, tableX, tableY, g.Neurons))).ToList();
        return new BimtRun(options, split.TrainIndices.Length, split.ValidationIndices.Length, metrics, frames, knockouts, swaps,
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>Fraction of <paramref name="operands"/> whose argmax logit is the result, with the <paramref name="knockout"/> neurons zeroed.</summary>
    public static double Accuracy(BimtNetwork network, Tensor operands, Tensor results, IReadOnlyDictionary<int, int[]>? knockout = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return network.Forward(operands, knockout).argmax(-1).eq(results).to(ScalarType.Float64).mean().item<double>();
    }

    private static BimtStep Evaluate(BimtNetwork network, WiringCost wiring, BimtOptions options, int step, double lambda,
        Tensor trainX, Tensor trainY, Tensor validationX, Tensor validationY)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var train = network.forward(trainX);
        var validation = network.forward(validationX);
        var row = stack([
            nn.functional.cross_entropy(train, trainY), train.argmax(-1).eq(trainY).to(train.dtype).mean(),
            nn.functional.cross_entropy(validation, validationY), validation.argmax(-1).eq(validationY).to(train.dtype).mean(),
            wiring.Of(network),
        ]).to(ScalarType.Float64).data<double>().ToArray();
        int connections = NetworkSnapshot.Of(network, step).ConnectionCounts(options.WeightThreshold).Sum();
        return new BimtStep(step, lambda, row[0], row[1], row[2], row[3], row[4], connections);
    }
}
