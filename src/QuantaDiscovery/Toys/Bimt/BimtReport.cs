using System.Globalization;
using System.Text;
using QuantaDiscovery.Common;
using QuantaDiscovery.Plotting;
using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Toys.Bimt;

/// <summary>The summary.json of one run; <see cref="Connections"/> counts weights with |w| &gt; WeightThreshold·max|w| of their layer.</summary>
public sealed record BimtSummary(
    string Task,
    int Modulus,
    string Mode,
    int Seed,
    int TrainSize,
    int ValidationSize,
    int Steps,
    double FinalTrainAccuracy,
    double FinalValidationAccuracy,
    double FinalConnectionCost,
    double WeightThreshold,
    int Connections,
    int TotalWeights,
    int[] ConnectionsPerLayer,
    int Swaps,
    int[] InputOrder,
    int[] OutputOrder,
    double WallSeconds,
    double StepsPerSecond,
    BimtOptions Config)
{
    public static BimtSummary Of(BimtRun run)
    {
        var o = run.Options;
        var perLayer = run.Final.ConnectionCounts(o.WeightThreshold);
        return new BimtSummary(BinaryOperations.Name(o.Operation), o.ResolvedModulus, o.IsPlain ? "plain" : "bimt", o.Seed,
            run.TrainSize, run.ValidationSize, o.Steps, run.Last.TrainAccuracy, run.Last.ValidationAccuracy, run.Last.ConnectionCost,
            o.WeightThreshold, perLayer.Sum(), run.Final.Weights.Sum(w => w.Length), perLayer, run.Swaps,
            run.Final.InputOrder, run.Final.OutputOrder, run.WallSeconds, o.Steps / run.WallSeconds, o);
    }
}

/// <summary>comparison.json of <c>quanta bimt --compare-plain</c>: the same network and seed trained plainly and with BIMT.</summary>
/// <param name="AccuracyDifference">BIMT minus plain final validation accuracy</param>
/// <param name="ConnectionRatio">plain connections / BIMT connections</param>
public sealed record BimtComparison(BimtSummary Plain, BimtSummary Bimt, double AccuracyDifference, double ConnectionRatio)
{
    public static BimtComparison Of(BimtSummary plain, BimtSummary bimt) =>
        new(plain, bimt, bimt.FinalValidationAccuracy - plain.FinalValidationAccuracy, (double)plain.Connections / Math.Max(bimt.Connections, 1));

    /// <summary>Trains both runs, writes each under <c>plain/</c> and <c>bimt/</c> and the comparison to <c>comparison.json</c>.</summary>
    public static BimtComparison Run(BimtOptions options, string outputDirectory, Action<string, BimtStep>? progress = null)
    {
        var plain = BimtReport.Write(BimtTrainer.Train(options.Plain(), step => progress?.Invoke("plain", step)), Path.Combine(outputDirectory, "plain"));
        var bimt = BimtReport.Write(BimtTrainer.Train(options, step => progress?.Invoke("bimt", step)), Path.Combine(outputDirectory, "bimt"));
        var comparison = Of(plain, bimt);
        ToyJson.Write(Path.Combine(outputDirectory, "comparison.json"), comparison);
        return comparison;
    }
}

/// <summary>
/// Writes a run's files: metrics.csv, summary.json, knockout.csv, the final weights (weight_{i}.npy, slot order), the
/// curves (accuracy, loss, connection cost; PNG+SVG), the neuron graph at every frame step (frames/step_NNNNNN.png) and
/// the final one (network.png/.svg).
/// </summary>
public static class BimtReport
{
    public const string MetricsHeader = "step,lambda,train_loss,train_acc,val_loss,val_acc,connection_cost,connections";
    public const string KnockoutHeader = "group,kind,neurons,slots,train_acc,val_acc,table_acc";

    public static BimtSummary Write(BimtRun run, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var summary = BimtSummary.Of(run);
        ToyJson.Write(Path.Combine(outputDirectory, "summary.json"), summary);

        var metrics = new StringBuilder(MetricsHeader).Append('\n');
        foreach (var m in run.Metrics)
            metrics.Append(CultureInfo.InvariantCulture,
                $"{m.Step},{m.Lambda:R},{m.TrainLoss:R},{m.TrainAccuracy:R},{m.ValidationLoss:R},{m.ValidationAccuracy:R},{m.ConnectionCost:R},{m.Connections}\n");
        File.WriteAllText(Path.Combine(outputDirectory, "metrics.csv"), metrics.ToString());

        var knockouts = new StringBuilder(KnockoutHeader).Append('\n');
        foreach (var k in run.Knockouts)
            knockouts.Append(CultureInfo.InvariantCulture,
                $"{Csv(k.Group.Name)},{k.Group.Kind.ToString().ToLowerInvariant()},{k.Group.Count},{Csv(k.Group.Describe())},{k.TrainAccuracy:R},{k.ValidationAccuracy:R},{k.TableAccuracy:R}\n");
        File.WriteAllText(Path.Combine(outputDirectory, "knockout.csv"), knockouts.ToString());

        var final = run.Final;
        for (int i = 0; i < final.Depth; i++)
            Npy.Write<float>(Path.Combine(outputDirectory, $"weight_{i}.npy"), final.Weights[i].Select(w => (float)w).ToArray(),
                final.Widths[i + 1], final.FanIn(i));

        WriteCharts(run, summary, outputDirectory);
        return summary;
    }

    private static void WriteCharts(BimtRun run, BimtSummary summary, string outputDirectory)
    {
        string title = $"{summary.Task} mod {summary.Modulus}, {summary.Mode}, seed {summary.Seed}";
        var steps = run.Metrics.Select(m => (double)m.Step).ToArray();
        var step = new AxisSpec("step");
        Charts.Save(Path.Combine(outputDirectory, "accuracy"), title, step, new AxisSpec("accuracy"),
        [
            new ChartSeries("train", steps, run.Metrics.Select(m => m.TrainAccuracy).ToArray()),
            new ChartSeries("validation", steps, run.Metrics.Select(m => m.ValidationAccuracy).ToArray()),
        ], ScottPlot.Alignment.LowerRight);
        Charts.Save(Path.Combine(outputDirectory, "loss"), title, step, new AxisSpec("cross-entropy loss", "nats", Log: true),
        [
            new ChartSeries("train", steps, run.Metrics.Select(m => m.TrainLoss).ToArray()),
            new ChartSeries("validation", steps, run.Metrics.Select(m => m.ValidationLoss).ToArray()),
        ]);
        Charts.Save(Path.Combine(outputDirectory, "connection_cost"), title, step, new AxisSpec("connection cost ℓ", Log: true),
            [new ChartSeries(null, steps, run.Metrics.Select(m => m.ConnectionCost).ToArray())]);
        Charts.Save(Path.Combine(outputDirectory, "connections"), title, step,
            new AxisSpec($"weights with |w| > {run.Options.WeightThreshold.ToString(CultureInfo.InvariantCulture)}·max of layer", Log: true),
            [new ChartSeries(null, steps, run.Metrics.Select(m => (double)m.Connections).ToArray())]);

        foreach (var frame in run.Frames)
            NetworkDrawing.Save(Path.Combine(outputDirectory, "frames", $"step_{frame.Step:000000}"), frame,
                string.Create(CultureInfo.InvariantCulture, $"{title}, step {frame.Step:N0}"), run.Options.WeightThreshold);
        NetworkDrawing.Save(Path.Combine(outputDirectory, "network"), run.Final, string.Create(CultureInfo.InvariantCulture, $"{title}, step {run.Final.Step:N0}"),
            run.Options.WeightThreshold, svg: true);
    }

    private static string Csv(string field) => field.Contains(',') || field.Contains('"') ? $"\"{field.Replace("\"", "\"\"")}\"" : field;
}
