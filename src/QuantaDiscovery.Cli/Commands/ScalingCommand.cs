using System.CommandLine;
using QuantaDiscovery.Scaling;

namespace QuantaDiscovery.Cli.Commands;

internal static class ScalingCommand
{
    public static Command Create()
    {
        var losses = new Option<FileInfo>("--losses")
        {
            Description = "per-token loss matrix in nats: Parquet (doc, pos, token, [set], one float column per model) or float32 .npy [tokens, models]",
            Required = true,
        };
        var models = new Option<FileInfo>("--params") { Description = "models.csv: name,params[,step] (params = non-embedding parameters)", Required = true };
        var output = new Option<DirectoryInfo>("--output") { Description = "folder for summary.json, models.csv and the plots", Required = true };
        var exclude = new Option<string[]>("--exclude") { Description = "model to leave out of the L(N) fit (repeatable)", AllowMultipleArgumentsPerToken = true };
        var threshold = new Option<double>("--threshold") { Description = "near-zero / learned loss threshold in nats", DefaultValueFactory = _ => 0.1 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "token-resampling bootstrap replicates for the CI on α_N (0: none)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "bootstrap seed", DefaultValueFactory = _ => 0 };

        var command = new Command("scaling", "Scaling-law analysis of per-token losses: L(N), L(S), p(L), near-zero share, quanta emergence")
        {
            losses, models, output, exclude, threshold, bootstrap, seed,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new ScalingOptions(parse.GetValue(threshold), parse.GetValue(exclude) ?? [], parse.GetValue(bootstrap), parse.GetValue(seed));
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
