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
        var task = SettingOptions.From<string>(BimtSettings.Task);
        var modulus = SettingOptions.From<int>(BimtSettings.Modulus);
        var trainFraction = SettingOptions.From<double>(BimtSettings.TrainFraction);
        var embeddingDim = SettingOptions.From<int>(BimtSettings.EmbeddingDim);
        var hidden = SettingOptions.From<string>(BimtSettings.Hidden);
        var steps = SettingOptions.From<int>(BimtSettings.Steps);
        var learningRate = SettingOptions.From<double>(BimtSettings.LearningRate);
        var weightDecay = SettingOptions.From<double>(BimtSettings.WeightDecay);
        var lambda = SettingOptions.From<double>(BimtSettings.Lambda);
        var boost = SettingOptions.From<double>(BimtSettings.LambdaBoost);
        var swapEvery = SettingOptions.From<int>(BimtSettings.SwapEvery);
        var swapTopK = SettingOptions.From<int>(BimtSettings.SwapTopK);
        var threshold = SettingOptions.From<double>(BimtSettings.WeightThreshold);
        var knockout = SettingOptions.From<string[]>(BimtSettings.Knockout);
        var frames = SettingOptions.From<int>(BimtSettings.Frames);
        var evalEvery = SettingOptions.From<int>(BimtSettings.EvalEvery);
        var preset = SettingOptions.From<string>(BimtSettings.Preset);
        var precision = SettingOptions.From<Precision?>(BimtSettings.DType);
        var seed = SettingOptions.From<int?>(BimtSettings.Seed);
        var threads = SettingOptions.From<int?>(BimtSettings.Threads);
        var comparePlain = SettingOptions.From<bool>(BimtSettings.ComparePlain);
        var output = SettingOptions.From<string>(BimtSettings.Output);

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
                Lambda = basis.Lambda with { Lambda = parse.GetValue(lambda), Boost = parse.GetValue(boost) },
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
