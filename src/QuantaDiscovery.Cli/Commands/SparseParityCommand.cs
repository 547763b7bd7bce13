using System.CommandLine;
using QuantaDiscovery.Toys.Grokking;
using QuantaDiscovery.Toys.SparseParity;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>`quanta sparse-parity`: one multitask-sparse-parity run (Michaud et al. 2023, §3).</summary>
internal static class SparseParityCommand
{
    public static Command Create()
    {
        var options = new SparseParityOptionSet();
        var width = new Option<int?>("--width") { Description = "hidden width w (default 128)" };
        var output = new Option<string>("--output") { Description = "output folder", Required = true };
        var command = new Command("sparse-parity", "Train an MLP on multitask sparse parity; per-task losses show tasks learned one by one");
        options.AddTo(command);
        command.Options.Add(width);
        command.Options.Add(output);
        ProgressReporter.AddOptions(command);
        command.SetAction(parse => ToyCommand.Guard(() =>
        {
            var settings = options.Read(parse);
            if (parse.GetValue(width) is { } w)
                settings = settings with { Width = w };
            var directory = parse.GetValue(output)!;
            var reporter = ProgressReporter.For(parse, Console.Error, Console.Out, !Console.IsErrorRedirected);
            var run = SparseParityTrainer.Train(settings, e => reporter.Report(new("sparse-parity", settings.Steps > 0 ? (double)e.Step / settings.Steps : null,
                $"step {e.Step:N0}: train loss {e.TrainLoss:0.0000}, test loss {e.TestLoss:0.0000}, tasks with loss < 0.1: {e.TaskLosses.Count(l => l < 0.1)}/{e.TaskLosses.Length}",
                e.Step, "steps")));
            var summary = SparseParityReport.Write(run, directory);
            reporter.Result(new { Command = "sparse-parity", Output = directory, Summary = summary }, () => Console.WriteLine($"final test loss {summary.FinalTestLoss:0.0000}, {summary.TasksConverged}/{settings.Tasks} tasks below {settings.ConvergenceLoss}; " +
                $"convergence step ∝ frequency^slope: slope {summary.ConvergenceSlope?.ToString("0.00") ?? "n/a"} (paper −0.81, theory −1); " +
                $"{summary.StepsRun} steps in {summary.WallSeconds:0.0} s → {directory}"));
            return 0;
        }));
        return command;
    }
}

/// <summary>The options shared by `quanta sparse-parity` and `quanta sparse-parity-sweep`; unset ones come from the preset.</summary>
internal sealed class SparseParityOptionSet
{
    private readonly Option<string> preset = new("--preset") { Description = "reduced (default: fast on 2 CPU cores) or paper (n_tasks 500, n 100, k 3, α 0.4, batch 20,000)", DefaultValueFactory = _ => "reduced" };
    private readonly Option<int?> tasks = new("--n-tasks") { Description = "number of tasks" };
    private readonly Option<int?> bits = new("--n") { Description = "number of data bits" };
    private readonly Option<int?> subsetSize = new("--k") { Description = "bits per parity" };
    private readonly Option<double?> alpha = new("--alpha") { Description = "α: task i has frequency ∝ i^-(α+1) (the authors' code calls α+1 'alpha')" };
    private readonly Option<int?> batchSize = new("--batch") { Description = "batch size" };
    private readonly Option<int?> steps = new("--steps") { Description = "optimiser steps" };
    private readonly Option<double?> learningRate = new("--lr") { Description = "AdamW learning rate (default 1e-3)" };
    private readonly Option<double?> weightDecay = new("--weight-decay") { Description = "AdamW weight decay (default 0.01)" };
    private readonly Option<int?> datasetSize = new("--dataset-size") { Description = "train on a fixed dataset of D samples (default: fresh samples every step)" };
    private readonly Option<int?> evalEvery = new("--eval-every") { Description = "steps between per-task evaluations" };
    private readonly Option<double?> convergenceLoss = new("--convergence-loss") { Description = "a task has converged when its loss first drops below this (default 0.1 nats)" };
    private readonly Option<Precision?> precision = new("--dtype") { Description = "float32 or float64" };
    private readonly Option<int> seed = new("--seed") { Description = "seed of the task subsets, data and initialisation", DefaultValueFactory = _ => 0 };
    private readonly Option<int?> threads = new("--threads") { Description = "libtorch CPU threads (default: libtorch's choice)" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { preset, tasks, bits, subsetSize, alpha, batchSize, steps, learningRate, weightDecay, datasetSize, evalEvery, convergenceLoss, precision, seed, threads })
            command.Options.Add(option);
    }

    public SparseParityOptions Read(ParseResult parse)
    {
        var basis = SparseParityOptions.Preset(parse.GetValue(preset)!);
        return basis with
        {
            Tasks = parse.GetValue(tasks) ?? basis.Tasks,
            Bits = parse.GetValue(bits) ?? basis.Bits,
            SubsetSize = parse.GetValue(subsetSize) ?? basis.SubsetSize,
            Alpha = parse.GetValue(alpha) ?? basis.Alpha,
            BatchSize = parse.GetValue(batchSize) ?? basis.BatchSize,
            Steps = parse.GetValue(steps) ?? basis.Steps,
            LearningRate = parse.GetValue(learningRate) ?? basis.LearningRate,
            WeightDecay = parse.GetValue(weightDecay) ?? basis.WeightDecay,
            DatasetSize = parse.GetValue(datasetSize) ?? basis.DatasetSize,
            EvalEvery = parse.GetValue(evalEvery) ?? basis.EvalEvery,
            ConvergenceLoss = parse.GetValue(convergenceLoss) ?? basis.ConvergenceLoss,
            Precision = parse.GetValue(precision) ?? basis.Precision,
            Seed = parse.GetValue(seed),
            Threads = parse.GetValue(threads) ?? basis.Threads,
        };
    }
}
