using System.CommandLine;
using System.Globalization;
using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>`quanta grok-sweep`: steps to generalise against weight decay, training fraction or initialisation scale.</summary>
internal static class GrokSweepCommand
{
    public static Command Create()
    {
        var options = new GrokOptionSet();
        var vary = SettingOptions.From<string>(GrokSettings.Vary);
        var values = SettingOptions.From<string>(GrokSettings.Values);
        var seeds = SettingOptions.From<int>(GrokSettings.Seeds);
        var output = SettingOptions.From<string>(GrokSettings.SweepOutput);
        var command = new Command("grok-sweep", "Steps to generalise vs one hyperparameter, with a power-law fit (every run stops once it generalises; --steps is the cap)");
        options.AddTo(command);
        foreach (var option in new Option[] { vary, values, seeds, output })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var parameter = parse.GetValue(vary) switch
            {
                "weight-decay" => GrokkingSweepParameter.WeightDecay,
                "train-frac" => GrokkingSweepParameter.TrainFraction,
                "init-scale" => GrokkingSweepParameter.InitScale,
                var other => throw new Common.InputException($"--vary {other}: expected weight-decay, train-frac or init-scale"),
            };
            var list = ToyCommand.ParseList(parse.GetValue(values)!, "--values", s => double.Parse(s, CultureInfo.InvariantCulture));
            options.SetThreads(parse);
            var fit = GrokkingSweep.Run(options.Read(parse), parameter, list, parse.GetValue(seeds), parse.GetValue(output)!, point =>
                parse.Out().WriteLine($"{parse.GetValue(vary)} {point.Value}, seed {point.Seed}: memorised at {point.MemorisedStep?.ToString() ?? "never"}, " +
                    $"generalised at {point.GeneralisedStep?.ToString() ?? "never"} ({point.WallSeconds:0.0} s)"));
            parse.Out().WriteLine(fit.Exponent is { } exponent
                ? $"generalisation step ∝ value^(−α): α = {exponent:0.000} ± {fit.ExponentStandardError:0.000} (R² {fit.RSquared:0.000}, {fit.RunsFitted} runs); expected: {fit.Expectation}"
                : $"too few runs generalised to fit ({fit.RunsFitted}); raise --steps");
            return 0;
        });
        return command;
    }
}
