using QuantaDiscovery.Common;
using System.Globalization;
using QuantaDiscovery.Toys.SparseParity;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary>
/// <c>sparse-parity</c>: one multitask-sparse-parity run (<see cref="SparseParityTrainer"/>; Michaud et al. 2023, §3) with
/// metrics.csv, per_task_loss.csv, convergence.csv, summary.json and the loss, per-task and convergence charts.
/// Settings left out take the preset's value.
/// </summary>
public sealed class SparseParityStage : PipelineStage
{
    public override string Kind => "sparse-parity";
    public override string Description => "multitask sparse parity: per-task losses show the tasks learned one by one (Michaud et al. 2023, §3)";

    public override IReadOnlyList<StageSetting> Settings => SparseParitySettings.Stage;

    public override Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var preset = SparseParityOptions.Preset(context.Text("preset"));
        int Integer(string name, int fallback) => context.Has(name) ? context.Integer(name) : fallback;
        double Number(string name, double fallback) => context.Has(name) ? context.Number(name) : fallback;
        var options = preset with
        {
            Tasks = Integer("n-tasks", preset.Tasks),
            Bits = Integer("n", preset.Bits),
            SubsetSize = Integer("k", preset.SubsetSize),
            Alpha = Number("alpha", preset.Alpha),
            Width = Integer("width", preset.Width),
            BatchSize = Integer("batch", preset.BatchSize),
            Steps = Integer("steps", preset.Steps),
            LearningRate = Number("lr", preset.LearningRate),
            WeightDecay = Number("weight-decay", preset.WeightDecay),
            DatasetSize = context.Has("dataset-size") ? context.Integer("dataset-size") : preset.DatasetSize,
            EvalEvery = Integer("eval-every", preset.EvalEvery),
            ConvergenceLoss = Number("convergence-loss", preset.ConvergenceLoss),
            Seed = context.Integer("seed"),
        };
        using var threads = TorchThreads.OnThisThread(context.Has("threads") ? context.Integer("threads") : 0);
        var run = SparseParityTrainer.Train(options, evaluation =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            int learned = evaluation.TaskLosses.Count(loss => loss < options.ConvergenceLoss);
            context.Report(string.Create(CultureInfo.InvariantCulture,
                $"step {evaluation.Step}: test loss {evaluation.TestLoss:0.0000}, {learned}/{options.Tasks} tasks learned"), (double)evaluation.Step / options.Steps);
        });
        var summary = SparseParityReport.Write(run, context.OutputFolder);
        context.Log(string.Create(CultureInfo.InvariantCulture,
            $"{summary.TasksConverged}/{options.Tasks} tasks below {options.ConvergenceLoss} nats; convergence-step slope {summary.ConvergenceSlope?.ToString("0.00", CultureInfo.InvariantCulture) ?? "n/a"}"));
        return Task.CompletedTask;
    }
}
