using System.CommandLine;
using QuantaDiscovery.Scaling;

namespace QuantaDiscovery.Cli.Commands;

internal static class ScalingCommand
{
    public static Command Create()
    {
        var losses = SettingOptions.From<FileInfo>(ScalingSettings.Losses);
        var models = SettingOptions.From<FileInfo>(ScalingSettings.Params);
        var output = SettingOptions.From<DirectoryInfo>(ScalingSettings.Output);
        var exclude = SettingOptions.From<string[]>(ScalingSettings.Exclude);
        exclude.AllowMultipleArgumentsPerToken = true;
        var excludeLargest = SettingOptions.From<bool>(ScalingSettings.ExcludeLargest);
        var fitTokens = SettingOptions.From<long>(ScalingSettings.FitTokens);
        var stepFitRange = SettingOptions.From<string?>(ScalingSettings.StepFitRange);
        var trainingCurveRange = SettingOptions.From<string?>(ScalingSettings.TrainingCurveRange);
        var threshold = SettingOptions.From<double>(ScalingSettings.Threshold);
        var bootstrap = SettingOptions.From<int>(ScalingSettings.Bootstrap);
        var seed = SettingOptions.From<int>(ScalingSettings.Seed);

        var command = new Command("scaling", "Scaling-law analysis of per-token losses: L(N), L(S), p(L), near-zero share, quanta emergence")
            .With(losses, models, output, exclude, excludeLargest, fitTokens, stepFitRange, trainingCurveRange, threshold, bootstrap, seed);
        command.SetAction(async (parse, cancellation) =>
        {
            long tokens = parse.GetValue(fitTokens);
            if (tokens < 0) throw new Common.InputException($"--fit-tokens {tokens}: must be ≥ 0 (0: every token)");
            var options = new ScalingOptions(parse.GetValue(threshold), ScalingSettings.ParseExclude(parse.GetValue(exclude) ?? []), parse.GetValue(bootstrap), parse.GetValue(seed),
                FitTokens: tokens > 0 ? tokens : null, ExcludeLargest: parse.GetValue(excludeLargest),
                StepFitRange: parse.GetValue(stepFitRange) is { } steps ? ScalingSettings.ParseStepRange(steps, ScalingSettings.StepFitRange) : null,
                TrainingCurveRange: parse.GetValue(trainingCurveRange) is { } curve ? ScalingSettings.ParseStepRange(curve, ScalingSettings.TrainingCurveRange) : null);
            var folder = parse.GetValue(output)!.FullName;
            var summary = await ScalingReport.RunAsync(parse.GetValue(losses)!.FullName, parse.GetValue(models)!.FullName, folder, options, cancellation);
            if (summary.LossVsParams is { } fit)
                parse.Out().WriteLine($"α_N = {fit.AlphaN:G5} ± {fit.AlphaNSe:G3} over {fit.Models.Length} sizes" +
                                  (fit.Bootstrap?.Alpha is { } ci ? $", {fit.Bootstrap.Level * 100:G3}% CI [{ci[0]:G5}, {ci[1]:G5}]" : ""));
            parse.Out().WriteLine($"{summary.Tokens} tokens, {summary.Models.Count} models → {folder}");
            return 0;
        });
        return command;
    }
}
