using System.CommandLine;
using QuantaDiscovery.Report;

namespace QuantaDiscovery.Cli.Commands;

internal static class BrowseCommand
{
    public static Command Create()
    {
        var samples = new Option<FileInfo>("--samples") { Description = "samples.parquet: sample, doc, pos, token, loss, [set], context, target", Required = true };
        var similarity = new Option<FileInfo>("--similarity") { Description = "similarity.npy: float32 [n, n] affinities in [0, 1], row i = sample i; or the sparse graph similarity.npz (quanta similarity --knn)", Required = true };
        var clusters = new Option<FileInfo>("--clusters") { Description = "clusters.parquet: sample, n_clusters, cluster (one block of n rows per K)", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "report.html to write; the rank-frequency files and heatmap go beside it", Required = true };
        var k = new Option<int?>("--k") { Description = "the clustering to browse (default: the largest K in --clusters)" };
        var alphaN = new Option<string?>("--alpha-n") { Description = "α_N as a number, or the summary.json of `quanta scaling`, for the predicted slope −(α_N + 1)" };
        var examples = new Option<int>("--examples") { Description = "examples shown per cluster", DefaultValueFactory = _ => 10 };
        var firstRank = new Option<int?>("--first-rank") { Description = "first rank of the rank-frequency fit (default: K_max / 4)" };
        var lastRank = new Option<int?>("--last-rank") { Description = "last rank of the rank-frequency fit (default: K_max)" };

        var command = new Command("browse", "Quanta browser: one self-contained HTML page of clusters with examples, similarity heatmap and rank-frequency fit")
        {
            samples, similarity, clusters, output, k, alphaN, examples, firstRank, lastRank,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var alpha = parse.GetValue(alphaN) is { } given ? RankFrequency.ReadAlphaN(given) : ((double, string)?)null;
            var options = new QuantaBrowserOptions(parse.GetValue(k), parse.GetValue(examples), AlphaN: alpha?.Item1, AlphaNSource: alpha?.Item2,
                FirstRank: parse.GetValue(firstRank), LastRank: parse.GetValue(lastRank));
            var report = await QuantaBrowser.WriteAsync(parse.GetValue(samples)!.FullName, parse.GetValue(similarity)!.FullName,
                parse.GetValue(clusters)!.FullName, parse.GetValue(output)!.FullName, options, cancellation);
            var fit = report.RankFrequency;
            parse.Out().WriteLine($"{report.Samples} samples, K = {report.K}: {report.Clusters.Count} clusters → {report.Html}");
            if (fit.Slope is { } slope)
                parse.Out().WriteLine($"rank-frequency slope {slope:F3} " +
                                  (fit.SlopeInterval is { } b ? $"({b.Level:P0} bootstrap {b.Lower:F3} to {b.Upper:F3})" : $"± {fit.Fit!.AlphaStandardError:F3}") +
                                  $" over ranks {fit.FirstRank}–{fit.LastRank}" +
                                  (fit.PredictedSlope is { } predicted ? $"; predicted −(α_N + 1) = {predicted:F3}" : ""));
            return 0;
        });
        return command;
    }
}
