using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Toys.Grokking;

/// <summary>The summary.json of a grokking run.</summary>
public sealed record GrokkingSummary(
    string Task,
    int Modulus,
    GrokkingArchitecture Architecture,
    int Seed,
    double TrainFraction,
    int TrainSize,
    int ValidationSize,
    double LearningRate,
    double WeightDecay,
    int StepsRun,
    int? MemorisedStep,
    int? GeneralisedStep,
    double FinalTrainAccuracy,
    double FinalValidationAccuracy,
    double InitialWeightNorm,
    double FinalWeightNorm,
    double WallSeconds,
    double StepsPerSecond,
    GrokkingOptions Config)
{
    public static GrokkingSummary Of(GrokkingRun run)
    {
        var o = run.Options;
        var first = run.Metrics[0];
        var last = run.Metrics[^1];
        return new GrokkingSummary(BinaryOperations.Name(o.Operation), o.ResolvedModulus, o.Architecture, o.Seed, o.TrainFraction,
            run.TrainSize, run.ValidationSize, o.ResolvedLearningRate, o.ResolvedWeightDecay, run.Metrics.Count,
            run.MemorisedStep, run.GeneralisedStep, last.TrainAccuracy, last.ValidationAccuracy, first.WeightNorm, last.WeightNorm,
            run.WallSeconds, run.Metrics.Count / run.WallSeconds, o);
    }
}

/// <summary>Writes a run's files: metrics.csv, summary.json, token_embedding.npy and the PNG charts.</summary>
public static class GrokkingReport
{
    public const string MetricsHeader = "step,train_loss,train_acc,val_loss,val_acc,weight_norm";

    public static GrokkingSummary Write(GrokkingRun run, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        WriteMetrics(run.Metrics, Path.Combine(outputDirectory, "metrics.csv"));
        var summary = GrokkingSummary.Of(run);
        ToyJson.Write(Path.Combine(outputDirectory, "summary.json"), summary);

        var embedding = run.TokenEmbedding;
        int classes = embedding.GetLength(0), dim = embedding.GetLength(1);
        var flat = new float[classes * dim];
        Buffer.BlockCopy(embedding, 0, flat, 0, flat.Length * sizeof(float));
        Npy.Write<float>(Path.Combine(outputDirectory, "token_embedding.npy"), flat, classes, dim);

        WriteCharts(run, summary, outputDirectory);
        return summary;
    }

    public static void WriteMetrics(IReadOnlyList<GrokkingStep> metrics, string path)
    {
        var text = new StringBuilder(MetricsHeader).Append('\n');
        foreach (var m in metrics)
            text.Append(CultureInfo.InvariantCulture, $"{m.Step},{m.TrainLoss:R},{m.TrainAccuracy:R},{m.ValidationLoss:R},{m.ValidationAccuracy:R},{m.WeightNorm:R}\n");
        File.WriteAllText(path, text.ToString());
    }

    /// <summary>
    /// Principal components of the centred rows of <paramref name="embedding"/> [tokens, d]: the projection
    /// [tokens, components] onto the leading right singular vectors. For modular addition the Fourier
    /// features make the tokens lie on circles ("clocks", Nanda et al. 2023; Liu et al. 2022).
    /// </summary>
    public static double[,] PrincipalComponents(float[,] embedding, int components)
    {
        int rows = embedding.GetLength(0), columns = embedding.GetLength(1);
        var matrix = Matrix<double>.Build.Dense(rows, columns, (i, j) => embedding[i, j]);
        var mean = matrix.ColumnSums() / rows;
        for (int i = 0; i < rows; i++)
            matrix.SetRow(i, matrix.Row(i) - mean);
        var svd = matrix.Svd(computeVectors: true);
        int k = Math.Min(components, Math.Min(rows, columns));
        var projection = matrix * svd.VT.SubMatrix(0, k, 0, columns).Transpose();
        return projection.ToArray();
    }

    private static void WriteCharts(GrokkingRun run, GrokkingSummary summary, string outputDirectory)
    {
        // Step 0 cannot sit on a log axis; the charts start at step 1.
        var m = run.Metrics.Skip(1).ToList();
        var steps = m.Select(r => (double)r.Step).ToArray();
        string title = $"{summary.Task} mod {summary.Modulus}, {summary.Architecture.ToString().ToLowerInvariant()}, train fraction {summary.TrainFraction}, seed {summary.Seed}";
        ToyPlots.Lines(Path.Combine(outputDirectory, "accuracy.png"), title, "step", "accuracy", logX: true, logY: false,
            new Series("train", steps, m.Select(r => r.TrainAccuracy).ToArray()),
            new Series("validation", steps, m.Select(r => r.ValidationAccuracy).ToArray()));
        ToyPlots.Lines(Path.Combine(outputDirectory, "loss.png"), title, "step", "cross-entropy loss", logX: true, logY: true,
            new Series("train", steps, m.Select(r => r.TrainLoss).ToArray()),
            new Series("validation", steps, m.Select(r => r.ValidationLoss).ToArray()));
        ToyPlots.Lines(Path.Combine(outputDirectory, "weight_norm.png"), title, "step", "total weight norm ‖θ‖₂", logX: true, logY: false,
            new Series("‖θ‖₂", steps, m.Select(r => r.WeightNorm).ToArray()));

        var pcs = PrincipalComponents(run.TokenEmbedding, 2);
        int tokens = pcs.GetLength(0);
        ToyPlots.LabelledPoints(Path.Combine(outputDirectory, "embedding_pca.png"), $"token embeddings, PCA ({summary.Task} mod {summary.Modulus})",
            "PC 1", "PC 2", Enumerable.Range(0, tokens).Select(i => pcs[i, 0]).ToArray(), Enumerable.Range(0, tokens).Select(i => pcs[i, 1]).ToArray());
    }
}
