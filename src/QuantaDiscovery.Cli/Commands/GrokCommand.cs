using System.CommandLine;
using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>`quanta grok`: one grokking run on a binary-operation table.</summary>
internal static class GrokCommand
{
    public static Command Create()
    {
        var options = new GrokOptionSet();
        var output = new Option<string>("--output") { Description = "output folder (metrics.csv, summary.json, PNG charts)", Required = true };
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
    private readonly Option<string> preset = new("--preset")
    {
        Description = "light (default: the fast CPU setting, MLP, x+y mod 59, train fraction 0.5, float32, 3,000 steps) or omnigrok (Omnigrok's " +
            "transformer run: x+y mod 113, train fraction 0.3, float64, lr 1e-3, weight decay 1, 15,000 steps, seed 42, Nanda et al.'s initial scales)",
        DefaultValueFactory = _ => "light",
    };
    private readonly Option<string?> task = new("--task") { Description = $"operation: {string.Join(", ", BinaryOperations.ByName.Keys)} (default x+y)" };
    private readonly Option<int?> modulus = new("--p") { Description = "prime modulus p (default 59 for mlp, 113 for transformer; ignored for s5)" };
    private readonly Option<double?> trainFraction = new("--train-frac") { Description = "fraction of the table used for training (light 0.5, omnigrok 0.3)" };
    private readonly Option<GrokkingArchitecture?> architecture = new("--arch") { Description = "mlp or transformer (Nanda et al. 2023; light mlp, omnigrok transformer)" };
    private readonly Option<int?> steps = new("--steps") { Description = "full-batch optimiser steps (light 3,000, omnigrok 15,000)" };
    private readonly Option<double?> weightDecay = new("--weight-decay") { Description = "AdamW weight decay γ (default 1; 0 with --constrain-norm)" };
    private readonly Option<double?> learningRate = new("--lr") { Description = "AdamW learning rate (default 3e-3 for mlp, 1e-3 for transformer)" };
    private readonly Option<double> initScale = new("--init-scale") { Description = "Omnigrok α: multiply all initial weights by α", DefaultValueFactory = _ => 1.0 };
    private readonly Option<bool> constrainNorm = new("--constrain-norm") { Description = "keep the total weight norm at its initial value after every step (Omnigrok)" };
    private readonly Option<Precision?> precision = new("--dtype") { Description = "float32 or float64 (float64 avoids the stuck runs of small train fractions; light float32, omnigrok float64)" };
    private readonly Option<TransformerInit?> init = new("--init") { Description = "transformer initial scales: fanin (1/√fan-in everywhere; light) or nanda (MLP output 1/√d_model, unembedding 1/√d_vocab; omnigrok)" };
    private readonly Option<int?> seed = new("--seed") { Description = "seed of the split and the initialisation (light 0, omnigrok 42)" };
    private readonly Option<int?> threads = new("--threads") { Description = "libtorch CPU threads (default: libtorch's choice)" };
    private readonly Option<bool> stopWhenGeneralised = new("--stop-when-generalised") { Description = "stop at the first step with validation accuracy ≥ 0.99" };

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
