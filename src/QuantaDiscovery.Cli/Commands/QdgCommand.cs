using System.CommandLine;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using QuantaDiscovery.Gradients;
using QuantaDiscovery.Qdg;
using QuantaDiscovery.Report;
using QuantaDiscovery.Select;

namespace QuantaDiscovery.Cli.Commands;

internal static class QdgCommand
{
    public static Command Create()
    {
        var model = SettingOptions.From<string>(QdgSettings.Model);
        var input = SettingOptions.From<string>(QdgSettings.Corpus, "--input");
        var losses = SettingOptions.From<string>(QdgSettings.Losses);
        var output = SettingOptions.From<string>(QdgCommandSettings.Output);
        var maxLoss = SettingOptions.From<float>(QdgSettings.MaxLoss);
        var samples = SettingOptions.From<int>(QdgSettings.Samples);
        var stride = SettingOptions.From<int>(QdgSettings.Stride);
        var maxSetShare = SettingOptions.From<double?>(QdgSettings.MaxSetShare);
        var noInduction = SettingOptions.From<bool>(SelectSettings.NoInductionFilter);
        var uniform = SettingOptions.From<bool>(SelectSettings.Uniform);
        var clusters = SettingOptions.From<string?>(QdgSettings.Clusters);
        var knn = SettingOptions.From<int?>(QdgSettings.Neighbours);
        var method = SettingOptions.From<string>(QdgSettings.Method);
        var nInit = SettingOptions.From<int>(QdgSettings.Restarts);
        var assignLabels = SettingOptions.From<string>(QdgSettings.AssignLabels);
        var parameters = SettingOptions.From<string>(GradientSettings.Params);
        var projection = SettingOptions.From<string>(QdgSettings.Projection);
        var seed = SettingOptions.From<int>(QdgSettings.Seed);
        var context = SettingOptions.From<int>(QdgSettings.Context);
        var alphaN = SettingOptions.From<string?>(QdgSettings.AlphaN);
        var envelopeRanks = SettingOptions.From<string?>(QdgSettings.EnvelopeRanks);
        var maxMemory = SettingOptions.From<string?>(MemorySettings.MaxMemory);
        var command = new Command("qdg", "Quanta discovery from gradients: select → gradients → similarity → clusters → report.html")
            .With(model, input, losses, output, maxLoss, samples, stride, maxSetShare, noInduction, uniform, clusters, knn, method, nInit, assignLabels, parameters,
                projection, seed, context, alphaN, envelopeRanks, maxMemory);
        ProgressReporter.AddOptions(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var (k, projectionMethod) = GradientOptions.ParseProjection(parse.GetValue(projection)!);
            var options = new QdgOptions
            {
                Selection = new TokenSelectionOptions
                {
                    MaxLoss = parse.GetValue(maxLoss), Samples = parse.GetValue(samples), Stride = parse.GetValue(stride),
                MaxSetShare = parse.GetValue(maxSetShare),
                    InductionFilter = !parse.GetValue(noInduction), Uniform = parse.GetValue(uniform), Seed = parse.GetValue(seed),
                    Context = parse.GetValue(context),
                },
                Gradients = new GradientOptions
                {
                    Parameters = parse.GetValue(parameters)!, Seed = parse.GetValue(seed),
                    Projection = k, Method = projectionMethod,
                },
                Clusters = parse.GetValue(clusters),
                Neighbours = parse.GetValue(knn),
                Clustering = new ClusteringOptions
                {
                    Method = parse.GetValue(method)!, Restarts = parse.GetValue(nInit), AssignLabels = parse.GetValue(assignLabels)!, Seed = parse.GetValue(seed),
                },
                AlphaN = parse.GetValue(alphaN) is { } given ? RankFrequency.ReadAlphaN(given) : null,
                EnvelopeRanks = parse.GetValue(envelopeRanks) is { } ranks ? QdgCommandSettings.ParseEnvelopeRanks(ranks) : null,
                MaxMemory = parse.GetValue(maxMemory) is { } limit ? Common.MemoryBudget.Parse(limit) : null,
            };
            var reporter = ProgressReporter.For(parse, parse.Err(), parse.Out(), ReferenceEquals(parse.Err(), Console.Error) && !Console.IsErrorRedirected);
            var result = await QdgRun.RunAsync(parse.GetValue(model)!, parse.GetValue(input)!, parse.GetValue(losses)!, parse.GetValue(output)!, options,
                reporter.For<string>(stage => new($"qdg: {stage}", null)), reporter.For<GradientProgress>(GradientsCommand.GradientUpdate), cancellationToken: cancellation);
            reporter.Note($"qdg: {result.Samples} tokens, gradient dimension {result.GradientDimension:N0}, " +
                $"K = {string.Join(", ", result.ClusterCounts)}, {result.Elapsed.TotalSeconds:N0} s");
            reporter.Result(new { Command = "qdg", Tokens = result.Samples, Dimension = result.GradientDimension, result.ClusterCounts,
                Seconds = result.Elapsed.TotalSeconds, Report = result.ReportPath }, () => parse.Out().WriteLine(result.ReportPath));
            return 0;
        });
        return command;
    }
}
