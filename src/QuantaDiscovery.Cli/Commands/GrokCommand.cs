using System.CommandLine;
using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>`quanta grok`: one grokking run on a binary-operation table.</summary>
internal static class GrokCommand
{
    public static Command Create()
    {
        var options = new GrokOptionSet();
        var output = SettingOptions.From<string>(GrokSettings.Output);
        var command = new Command("grok", "Train on a modular-arithmetic (or S5) table and watch it grok (Power et al. 2022; Omnigrok)");
        options.AddTo(command);
        command.Options.Add(output);
        ProgressReporter.AddOptions(command);
        command.SetAction(parse =>
        {
            var settings = options.Read(parse);
            options.SetThreads(parse);
            var directory = parse.GetValue(output)!;
            var reporter = ProgressReporter.For(parse, parse.Err(), parse.Out(), ReferenceEquals(parse.Err(), Console.Error) && !Console.IsErrorRedirected);
            var run = GrokkingTrainer.Train(settings, step => reporter.Report(new("grok", settings.Steps > 0 ? (step.Step + 1.0) / settings.Steps : null,
                $"step {step.Step:N0}: train loss {step.TrainLoss:0.000e+0} acc {step.TrainAccuracy:0.000}, val loss {step.ValidationLoss:0.000e+0} acc {step.ValidationAccuracy:0.000}, ‖θ‖ {step.WeightNorm:0.00}",
                step.Step + 1, "steps")));
            var summary = GrokkingReport.Write(run, directory);
            reporter.Result(new { Command = "grok", Output = directory, Summary = summary }, () => parse.Out().WriteLine($"memorised (train acc ≥ 0.99) at step {summary.MemorisedStep?.ToString() ?? "never"}, " +
                $"generalised (val acc ≥ 0.99) at step {summary.GeneralisedStep?.ToString() ?? "never"}; " +
                $"{summary.StepsRun} steps in {summary.WallSeconds:0.0} s ({summary.StepsPerSecond:0} steps/s) → {directory}"));
            return 0;
        });
        return command;
    }
}

/// <summary>The options shared by `quanta grok` and `quanta grok-sweep`; unset ones come from the preset.</summary>
internal sealed class GrokOptionSet
{
    private readonly Option<string> preset = SettingOptions.From<string>(GrokSettings.Preset);
    private readonly Option<string?> task = SettingOptions.From<string?>(GrokSettings.Task);
    private readonly Option<int?> modulus = SettingOptions.From<int?>(GrokSettings.Modulus);
    private readonly Option<double?> trainFraction = SettingOptions.From<double?>(GrokSettings.TrainFraction);
    private readonly Option<GrokkingArchitecture?> architecture = SettingOptions.From<GrokkingArchitecture?>(GrokSettings.Architecture);
    private readonly Option<int?> steps = SettingOptions.From<int?>(GrokSettings.Steps);
    private readonly Option<double?> weightDecay = SettingOptions.From<double?>(GrokSettings.WeightDecay);
    private readonly Option<double?> learningRate = SettingOptions.From<double?>(GrokSettings.LearningRate);
    private readonly Option<double> initScale = SettingOptions.From<double>(GrokSettings.InitScale);
    private readonly Option<bool> constrainNorm = SettingOptions.From<bool>(GrokSettings.ConstrainNorm);
    private readonly Option<Precision?> precision = SettingOptions.From<Precision?>(GrokSettings.DType);
    private readonly Option<TransformerInit?> init = SettingOptions.From<TransformerInit?>(GrokSettings.Init);
    private readonly Option<int?> seed = SettingOptions.From<int?>(GrokSettings.Seed);
    private readonly Option<int?> threads = SettingOptions.From<int?>(GrokSettings.Threads);
    private readonly Option<bool> stopWhenGeneralised = SettingOptions.From<bool>(GrokSettings.StopWhenGeneralised);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { preset, task, modulus, trainFraction, architecture, steps, weightDecay, learningRate, initScale, constrainNorm, precision, init, seed, threads, stopWhenGeneralised })
            command.Options.Add(option);
    }

    /// <summary>Applies --threads to the process (the library takes no thread count).</summary>
    public void SetThreads(ParseResult parse) => TorchThreadCount.Set(parse.GetValue(threads));

    public GrokkingOptions Read(ParseResult parse)
    {
        var basis = GrokkingOptions.Preset(parse.GetValue(preset)!);
        return basis with
        {
            Operation = parse.GetValue(task) is string name ? BinaryOperations.Parse(name) : basis.Operation,
            Modulus = parse.GetValue(modulus) ?? basis.Modulus,
            TrainFraction = parse.GetValue(trainFraction) ?? basis.TrainFraction,
            Architecture = parse.GetValue(architecture) ?? basis.Architecture,
            Steps = parse.GetValue(steps) ?? basis.Steps,
            WeightDecay = parse.GetValue(weightDecay) ?? basis.WeightDecay,
            LearningRate = parse.GetValue(learningRate) ?? basis.LearningRate,
            InitScale = parse.GetValue(initScale),
            ConstrainNorm = parse.GetValue(constrainNorm),
            Precision = parse.GetValue(precision) ?? basis.Precision,
            TransformerInit = parse.GetValue(init) ?? basis.TransformerInit,
            Seed = parse.GetValue(seed) ?? basis.Seed,
            StopWhenGeneralised = parse.GetValue(stopWhenGeneralised),
        };
    }
}
