using System.Globalization;
using System.Text;
using QuantaDiscovery.Fit;

namespace QuantaDiscovery.Toys.SparseParity;

/// <summary>The summary.json of a sparse-parity run.</summary>
public sealed record SparseParitySummary(
    int Width,
    long Parameters,
    int StepsRun,
    double FinalTrainLoss,
    double FinalTestLoss,
    int TasksConverged,
    double? ConvergenceSlope,
    double? ConvergenceSlopeStandardError,
    double? ConvergenceRSquared,
    double TheoryConvergenceSlope,
    double PaperConvergenceSlope,
    double WallSeconds,
    double StepsPerSecond,
    SparseParityOptions Config)
{
    public static SparseParitySummary Of(SparseParityRun run)
    {
        var fit = run.ConvergenceFit();
        var last = run.Evaluations[^1];
        return new SparseParitySummary(run.Options.Width, run.Parameters, last.Step, last.TrainLoss, last.TestLoss,
            run.ConvergenceSteps().Count(s => s is not null), -fit?.Alpha, fit?.AlphaStandardError, fit?.RSquared,
            TheoryConvergenceSlope: -1, PaperConvergenceSlope: -0.81, run.WallSeconds, last.Step / run.WallSeconds, run.Options);
    }
}

/// <summary>
/// Writes a run's files: metrics.csv (step, train_loss, test_loss), per_task_loss.csv (step, task_0 … task_{n−1}),
/// convergence.csv (task, frequency, convergence_step), summary.json and the charts.
/// </summary>
public static class SparseParityReport
{
    /// <summary>At most this many tasks (the most frequent) are drawn in the per-task chart.</summary>
    private const int TasksDrawn = 10;

    public static SparseParitySummary Write(SparseParityRun run, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var invariant = CultureInfo.InvariantCulture;
        var metrics = new StringBuilder("step,train_loss,test_loss\n");
        var perTask = new StringBuilder("step");
        for (int t = 0; t < run.Frequencies.Length; t++)
            perTask.Append(invariant, $",task_{t}");
        perTask.Append('\n');
        foreach (var e in run.Evaluations)
        {
            metrics.Append(invariant, $"{e.Step},{e.TrainLoss:R},{e.TestLoss:R}\n");
            perTask.Append(e.Step);
            foreach (var loss in e.TaskLosses)
                perTask.Append(invariant, $",{loss:R}");
            perTask.Append('\n');
        }
        File.WriteAllText(Path.Combine(outputDirectory, "metrics.csv"), metrics.ToString());
        File.WriteAllText(Path.Combine(outputDirectory, "per_task_loss.csv"), perTask.ToString());

        var convergence = run.ConvergenceSteps();
        var table = new StringBuilder("task,frequency,convergence_step\n");
        for (int t = 0; t < convergence.Length; t++)
            table.Append(invariant, $"{t},{run.Frequencies[t]:R},{convergence[t]}\n");
        File.WriteAllText(Path.Combine(outputDirectory, "convergence.csv"), table.ToString());

        var summary = SparseParitySummary.Of(run);
        ToyJson.Write(Path.Combine(outputDirectory, "summary.json"), summary);
        WriteCharts(run, outputDirectory);
        return summary;
    }

    private static void WriteCharts(SparseParityRun run, string outputDirectory)
    {
        var o = run.Options;
        string setting = $"n_tasks {o.Tasks}, n {o.Bits}, k {o.SubsetSize}, α {o.Alpha}, width {o.Width}";
        var steps = run.Evaluations.Select(e => (double)e.Step).ToArray();
        ToyPlots.Lines(Path.Combine(outputDirectory, "loss.png"), $"multitask sparse parity ({setting})", "step", "cross-entropy loss", logX: true, logY: true,
            new Series("train batch", steps, run.Evaluations.Select(e => e.TrainLoss).ToArray()),
            new Series("test (Σ p_i L_i)", steps, run.Evaluations.Select(e => e.TestLoss).ToArray()));

        var series = Enumerable.Range(0, Math.Min(TasksDrawn, run.Frequencies.Length))
            .Select(t => new Series($"task {t}", steps, run.Evaluations.Select(e => e.TaskLosses[t]).ToArray())).ToArray();
        ToyPlots.Lines(Path.Combine(outputDirectory, "per_task_loss.png"), $"per-task loss, {series.Length} most frequent tasks ({setting})",
            "step", "cross-entropy loss", logX: true, logY: false, series);

        if (run.ConvergenceFit() is { } fit)
        {
            var convergence = run.ConvergenceSteps();
            var converged = Enumerable.Range(0, convergence.Length).Where(t => convergence[t] > 0).ToArray();
            ToyPlots.PowerLaw(Path.Combine(outputDirectory, "convergence.png"), $"convergence step vs task frequency ({setting})",
                "task frequency p_i", $"first step with task loss < {o.ConvergenceLoss}",
                converged.Select(t => run.Frequencies[t]).ToArray(), converged.Select(t => (double)convergence[t]!.Value).ToArray(),
                fit, "theory: slope −1", referenceExponent: 1);
        }
    }
}
