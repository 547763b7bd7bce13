using System.CommandLine;
using QuantaDiscovery.Report;

namespace QuantaDiscovery.Cli.Commands;

internal static class BrowseCommand
{
    public static Command Create()
    {
        var samples = SettingOptions.From<FileInfo>(BrowseSettings.Samples);
        var similarity = SettingOptions.From<FileInfo>(BrowseSettings.Similarity);
        var clusters = SettingOptions.From<FileInfo>(BrowseSettings.Clusters);
        var output = SettingOptions.From<FileInfo>(BrowseSettings.Output);
        var k = SettingOptions.From<int?>(BrowseSettings.K);
        var alphaN = SettingOptions.From<string?>(BrowseSettings.AlphaN);
        var examples = SettingOptions.From<int>(BrowseSettings.Examples);
        var firstRank = SettingOptions.From<int?>(BrowseSettings.FirstRank);
        var lastRank = SettingOptions.From<int?>(BrowseSettings.LastRank);

        var command = new Command("browse", "Quanta browser: one self-contained HTML page of clusters with examples, similarity heatmap and rank-frequency fit")
            .With(samples, similarity, clusters, output, k, alphaN, examples, firstRank, lastRank);
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
