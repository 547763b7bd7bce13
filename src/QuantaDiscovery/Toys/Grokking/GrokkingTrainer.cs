using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static QuantaDiscovery.Common.Scalars;

namespace QuantaDiscovery.Toys.Grokking;

/// <summary>Metrics of the model after <paramref name="Step"/> optimiser updates.</summary>
public sealed record GrokkingStep(int Step, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy, double WeightNorm);

/// <summary>A finished run: per-step metrics, the grokking milestones, and the final token embeddings [classes, d].</summary>
public sealed record GrokkingRun(
    GrokkingOptions Options,
    int TrainSize,
    int ValidationSize,
    IReadOnlyList<GrokkingStep> Metrics,
    double WallSeconds,
    float[,] TokenEmbedding)
{
    /// <summary>Accuracy at which a set counts as fitted (Power et al. use 99%).</summary>
    public const double Threshold = 0.99;

    /// <summary>First step with training accuracy ≥ 0.99, or null.</summary>
    public int? MemorisedStep => Metrics.FirstOrDefault(m => m.TrainAccuracy >= Threshold)?.Step;

    /// <summary>First step with validation accuracy ≥ 0.99, or null.</summary>
    public int? GeneralisedStep => Metrics.FirstOrDefault(m => m.ValidationAccuracy >= Threshold)?.Step;
}

/// <summary>
/// Full-batch training on an operation table (Power et al. 2022), with Omnigrok's initialisation scale
/// and constrained-norm mode (Liu, Michaud &amp; Tegmark, "Omnigrok: Grokking beyond algorithmic data", ICLR 2023).
/// </summary>
public static class GrokkingTrainer
{
    /// <param name="progress">called after every step with the metrics of the model before that step's update</param>
    public static GrokkingRun Train(GrokkingOptions options, Action<GrokkingStep>? progress = null)
    {
        // Autograd is a per-thread libtorch setting: a caller's no_grad scope must not reach the training steps.
        using var autograd = enable_grad();
        options.Validate();
        var table = BinaryOperations.Table(options.Operation, options.ResolvedModulus);
        var split = GrokkingSplit.Create(table, options.TrainFraction, options.Seed);

        using var model = SeededInit.Create<GrokkingModel>(options.Seed, () => options.Architecture switch
        {
            GrokkingArchitecture.Transformer => new GrokkingTransformer(table.Classes, init: options.TransformerInit),
            _ => new GrokkingMlp(table.Classes),
        });
        var dtype = options.Precision == Precision.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        model.to(dtype);
        var parameters = model.parameters().ToList();
        if (options.InitScale != 1)
            WeightNorm.Scale(parameters, options.InitScale);
        double initialNorm = WeightNorm.Of(parameters);

        using var optimizer = optim.AdamW(parameters, options.ResolvedLearningRate,
            options.Beta1, options.Beta2, weight_decay: options.ResolvedWeightDecay);
        var (trainX, trainY) = split.Tensors(split.TrainIndices);
        var (validationX, validationY) = split.Tensors(split.ValidationIndices);
        using var _ = trainX; using var __ = trainY; using var ___ = validationX; using var ____ = validationY;

        var metrics = new List<GrokkingStep>(options.Steps);
        var clock = Stopwatch.StartNew();
        for (int step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            Tensor validationLoss, validationCorrect;
            using (no_grad())
            {
                var validationLogits = model.forward(validationX);
                validationLoss = nn.functional.cross_entropy(validationLogits, validationY);
                validationCorrect = validationLogits.argmax(-1).eq(validationY).to(dtype).mean();
            }
            optimizer.zero_grad();
            var logits = model.forward(trainX);
            var loss = nn.functional.cross_entropy(logits, trainY);
            var trainCorrect = logits.argmax(-1).eq(trainY).to(dtype).mean();
            var norm = stack(parameters.Select(p => p.detach().pow(Two).sum())).sum().sqrt();
            // One read-back per step for all five figures.
            var row = stack([loss.detach(), trainCorrect, validationLoss, validationCorrect, norm]).to(ScalarType.Float64).data<double>().ToArray();
            var record = new GrokkingStep(step, row[0], row[1], row[2], row[3], row[4]);
            metrics.Add(record);
            progress?.Invoke(record);
            if (options.StopWhenGeneralised && record.ValidationAccuracy >= GrokkingRun.Threshold)
                break;

            loss.backward();
            optimizer.step();
            if (options.ConstrainNorm)
                WeightNorm.ProjectTo(parameters, initialNorm);
        }
        clock.Stop();
        return new GrokkingRun(options, split.TrainIndices.Length, split.ValidationIndices.Length, metrics,
            clock.Elapsed.TotalSeconds, ToArray(model.TokenEmbedding));
    }

    private static float[,] ToArray(Tensor matrix)
    {
        using var values = matrix.detach().to(ScalarType.Float32).contiguous();
        var flat = values.data<float>().ToArray();
        int rows = (int)values.shape[0], columns = (int)values.shape[1];
        var result = new float[rows, columns];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }
}
