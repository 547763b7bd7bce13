using System.CommandLine;
using System.Globalization;
using QuantaDiscovery.Toys.Bimt;
using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>`quanta bimt`: brain-inspired modular training on a binary-operation table (Liu, Gan &amp; Tegmark 2023).</summary>
internal static class BimtCommand
{
    public static Command Create()
    {
        var defaults = new BimtOptions();
        var task = new Option<string>("--task") { Description = $"operation: {string.Join(", ", BinaryOperations.ByName.Keys)}", DefaultValueFactory = _ => "x+y" };
        var modulus = new Option<int>("--p") { Description = "prime modulus p (ignored for s5)", DefaultValueFactory = _ => defaults.Modulus };
        var trainFraction = new Option<double>("--train-frac") { Description = "fraction of the table used for training", DefaultValueFactory = _ => defaults.TrainFraction };
        var embeddingDim = new Option<int>("--embedding-dim") { Description = "embedding width d per operand (2d input neurons)", DefaultValueFactory = _ => defaults.EmbeddingDim };
        var hidden = new Option<string>("--hidden") { Description = "hidden layer widths, comma-separated", DefaultValueFactory = _ => string.Join(',', defaults.HiddenWidths) };
        var steps = new Option<int>("--steps") { Description = "full-batch optimiser steps", DefaultValueFactory = _ => defaults.Steps };
        var learningRate = new Option<double>("--lr") { Description = "AdamW learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay", DefaultValueFactory = _ => defaults.WeightDecay };
        var lambda = new Option<double>("--lambda") { Description = "wiring-penalty strength λ (0 with --swap-every 0: plain training)", DefaultValueFactory = _ => defaults.Lambda.Lambda };
        var boost = new Option<double>("--lambda-boost") { Description = "λ is multiplied by this from 1/4 to 3/4 of the run", DefaultValueFactory = _ => defaults.Lambda.Boost };
        var swapEvery = new Option<int>("--swap-every") { Description = "steps between swap passes (0: never)", DefaultValueFactory = _ => defaults.SwapEvery };
        var swapTopK = new Option<int>("--swap-top-k") { Description = "neurons per layer that look for a better slot in each pass", DefaultValueFactory = _ => defaults.SwapTopK };
        var threshold = new Option<double>("--weight-threshold") { Description = "a weight counts as a connection when |w| > this × the largest |w| of its layer", DefaultValueFactory = _ => defaults.WeightThreshold };
        var knockout = new Option<string[]>("--knockout") { Description = "neuron group to knock out after training, name=layer:start-end[,layer:start-end] (layer 0 = embedding slots; repeatable)", AllowMultipleArgumentsPerToken = false };
        var frames = new Option<int>("--frames") { Description = "neuron-graph frames after step 0, evenly spaced", DefaultValueFactory = _ => defaults.Frames };
        var evalEvery = new Option<int>("--eval-every") { Description = "steps between recorded metrics", DefaultValueFactory = _ => defaults.EvalEvery };
        // The presets differ only in dtype and seed (PaperPresetTests), so the other options' defaults are both presets' values.
        var preset = new Option<string>("--preset")
        {
            Description = "light (default: float32, seed 0, a lighter CPU setting) or authors (the authors' modular-addition run: float64, seed 4)",
            DefaultValueFactory = _ => "light",
        };
        var precision = new Option<Precision?>("--dtype") { Description = "float32 or float64 (light float32; authors float64)" };
        var seed = new Option<int?>("--seed") { Description = "seed of the split and the initialisation (light 0; authors 4)" };
        var threads = new Option<int?>("--threads") { Description = "libtorch CPU threads (default: libtorch's choice)" };
        var comparePlain = new Option<bool>("--compare-plain") { Description = "also train the same network plainly (λ 0, no swaps) and print both side by side" };
        var output = new Option<string>("--output") { Description = "output folder", Required = true };

        var command = new Command("bimt", "Brain-inspired modular training: a length-weighted L1 penalty plus neuron swaps makes modules visible (Liu, Gan & Tegmark 2023)");
        foreach (var option in new Option[] { preset, task, modulus, trainFraction, embeddingDim, hidden, steps, learningRate, weightDecay, lambda, boost, swapEvery, swapTopK,
                     threshold, knockout, frames, evalEvery, precision, seed, threads, comparePlain, output })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            TorchThreadCount.Set(parse.GetValue(threads));
            var basis = BimtOptions.Preset(parse.GetValue(preset)!);
            var settings = basis with
            {
                Operation = BinaryOperations.Parse(parse.GetValue(task)!),
                Modulus = parse.GetValue(modulus),
                TrainFraction = parse.GetValue(trainFraction),
                EmbeddingDim = parse.GetValue(embeddingDim),
                HiddenWidths = ToyCommand.ParseList(parse.GetValue(hidden)!, "--hidden", s => int.Parse(s, CultureInfo.InvariantCulture)),
                Steps = parse.GetValue(steps),
                LearningRate = parse.GetValue(learningRate),
                WeightDecay = parse.GetValue(weightDecay),
                Lambda = defaults.Lambda with { Lambda = parse.GetValue(lambda), Boost = parse.GetValue(boost) },
                SwapEvery = parse.GetValue(swapEvery),
                SwapTopK = parse.GetValue(swapTopK),
                WeightThreshold = parse.GetValue(threshold),
                Knockouts = (parse.GetValue(knockout) ?? []).Select(KnockoutGroup.Parse).ToList(),
                Frames = parse.GetValue(frames),
                EvalEvery = parse.GetValue(evalEvery),
                Precision = parse.GetValue(precision) ?? basis.Precision,
                Seed = parse.GetValue(seed) ?? basis.Seed,
            };
            var directory = parse.GetValue(output)!;
            void Progress(string mode, BimtStep s)
            {
                if (s.Step % 1000 == 0 || s.Step == settings.Steps)
                    parse.Out().WriteLine($"{mode,-5} step {s.Step,6}  λ {s.Lambda:0.###}  train loss {s.TrainLoss:0.000e+0} acc {s.TrainAccuracy:0.000}  " +
                        $"val loss {s.ValidationLoss:0.000e+0} acc {s.ValidationAccuracy:0.000}  ℓ {s.ConnectionCost:0.0000}  connections {s.Connections}");
            }
            if (parse.GetValue(comparePlain))
            {
                var comparison = BimtComparison.Run(settings, directory, Progress);
                parse.Out().WriteLine();
                parse.Out().WriteLine($"{"",-34}{"plain",12}{"BIMT",12}");
                Row(parse.Out(), "final train accuracy", comparison.Plain.FinalTrainAccuracy, comparison.Bimt.FinalTrainAccuracy, "0.0000");
                Row(parse.Out(), "final validation accuracy", comparison.Plain.FinalValidationAccuracy, comparison.Bimt.FinalValidationAccuracy, "0.0000");
                Row(parse.Out(), $"connections (|w| > {settings.WeightThreshold}·max)", comparison.Plain.Connections, comparison.Bimt.Connections, "0");
                Row(parse.Out(), "connection cost ℓ", comparison.Plain.FinalConnectionCost, comparison.Bimt.FinalConnectionCost, "0.0000");
                Row(parse.Out(), "wall seconds", comparison.Plain.WallSeconds, comparison.Bimt.WallSeconds, "0.0");
                parse.Out().WriteLine($"BIMT − plain validation accuracy {comparison.AccuracyDifference:+0.0000;-0.0000}; {comparison.ConnectionRatio:0.0}× fewer connections → {directory}");
            }
            else
            {
                var summary = BimtReport.Write(BimtTrainer.Train(settings, s => Progress(settings.IsPlain ? "plain" : "bimt", s)), directory);
                parse.Out().WriteLine($"final train acc {summary.FinalTrainAccuracy:0.0000}, val acc {summary.FinalValidationAccuracy:0.0000}, " +
                    $"{summary.Connections}/{summary.TotalWeights} connections, {summary.Swaps} swaps, {summary.WallSeconds:0.0} s → {directory}");
            }
            return 0;
        });
        return command;

        static void Row(TextWriter output, string label, double plain, double bimt, string format) =>
            output.WriteLine($"{label,-34}{plain.ToString(format, CultureInfo.InvariantCulture),12}{bimt.ToString(format, CultureInfo.InvariantCulture),12}");
    }
}
