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
        var width = SettingOptions.From<int?>(SparseParitySettings.Width);
        var output = SettingOptions.From<string>(SparseParitySettings.Output);
        var command = new Command("sparse-parity", "Train an MLP on multitask sparse parity; per-task losses show tasks learned one by one");
        options.AddTo(command);
        command.Options.Add(width);
        command.Options.Add(output);
        ProgressReporter.AddOptions(command);
        command.SetAction(parse =>
        {
            var settings = options.Read(parse);
            options.SetThreads(parse);
            if (parse.GetValue(width) is { } w)
                settings = settings with { Width = w };
            var directory = parse.GetValue(output)!;
            var reporter = ProgressReporter.For(parse, parse.Err(), parse.Out(), ReferenceEquals(parse.Err(), Console.Error) && !Console.IsErrorRedirected);
            var run = SparseParityTrainer.Train(settings, e => reporter.Report(new("sparse-parity", settings.Steps > 0 ? (double)e.Step / settings.Steps : null,
                $"step {e.Step:N0}: train loss {e.TrainLoss:0.0000}, test loss {e.TestLoss:0.0000}, tasks with loss < 0.1: {e.TaskLosses.Count(l => l < 0.1)}/{e.TaskLosses.Length}",
                e.Step, "steps")));
            var summary = SparseParityReport.Write(run, directory);
            reporter.Result(new { Command = "sparse-parity", Output = directory, Summary = summary }, () => parse.Out().WriteLine($"final test loss {summary.FinalTestLoss:0.0000}, {summary.TasksConverged}/{settings.Tasks} tasks below {settings.ConvergenceLoss}; " +
                $"convergence step ∝ frequency^slope: slope {summary.ConvergenceSlope?.ToString("0.00") ?? "n/a"} (paper −0.81, theory −1); " +
                $"{summary.StepsRun} steps in {summary.WallSeconds:0.0} s → {directory}"));
            return 0;
        });
        return command;
    }
}

/// <summary>The options shared by `quanta sparse-parity` and `quanta sparse-parity-sweep`; unset ones come from the preset.</summary>
internal sealed class SparseParityOptionSet
{
    private readonly Option<string> preset = SettingOptions.From<string>(SparseParitySettings.Preset);
    private readonly Option<int?> tasks = SettingOptions.From<int?>(SparseParitySettings.Tasks);
    private readonly Option<int?> bits = SettingOptions.From<int?>(SparseParitySettings.Bits);
    private readonly Option<int?> subsetSize = SettingOptions.From<int?>(SparseParitySettings.SubsetSize);
    private readonly Option<double?> alpha = SettingOptions.From<double?>(SparseParitySettings.Alpha);
    private readonly Option<int?> batchSize = SettingOptions.From<int?>(SparseParitySettings.BatchSize);
    private readonly Option<int?> steps = SettingOptions.From<int?>(SparseParitySettings.Steps);
    private readonly Option<double?> learningRate = SettingOptions.From<double?>(SparseParitySettings.LearningRate);
    private readonly Option<double?> weightDecay = SettingOptions.From<double?>(SparseParitySettings.WeightDecay);
    private readonly Option<int?> datasetSize = SettingOptions.From<int?>(SparseParitySettings.DatasetSize);
    private readonly Option<int?> evalEvery = SettingOptions.From<int?>(SparseParitySettings.EvalEvery);
    private readonly Option<double?> convergenceLoss = SettingOptions.From<double?>(SparseParitySettings.ConvergenceLoss);
    private readonly Option<Precision?> precision = SettingOptions.From<Precision?>(SparseParitySettings.DType);
    private readonly Option<int> seed = SettingOptions.From<int>(SparseParitySettings.Seed);
    private readonly Option<int?> threads = SettingOptions.From<int?>(SparseParitySettings.Threads);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { preset, tasks, bits, subsetSize, alpha, batchSize, steps, learningRate, weightDecay, datasetSize, evalEvery, convergenceLoss, precision, seed, threads })
            command.Options.Add(option);
    }

    /// <summary>Applies --threads to the process (the library takes no thread count).</summary>
    public void SetThreads(ParseResult parse) => TorchThreadCount.Set(parse.GetValue(threads));

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
        };
    }
}
