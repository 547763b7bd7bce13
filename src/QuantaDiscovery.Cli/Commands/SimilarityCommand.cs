using System.CommandLine;
using QuantaDiscovery.Common;
using QuantaDiscovery.Similarity;

namespace QuantaDiscovery.Cli.Commands;

internal static class SimilarityCommand
{
    public static Command Create()
    {
        var gradients = SettingOptions.From<string>(SimilaritySettings.Gradients);
        var output = SettingOptions.From<string>(SimilaritySettings.Output);
        var neighbours = SettingOptions.From<int?>(SimilaritySettings.Neighbours);
        var search = SettingOptions.From<NeighbourSearch>(SimilaritySettings.Search);
        var trees = SettingOptions.From<int>(SimilaritySettings.Trees);
        var maxMemory = SettingOptions.From<string?>(MemorySettings.MaxMemory);
        var command = new Command("similarity", "angular affinity of normalised per-sample gradients").With(gradients, output, neighbours, search, trees, maxMemory);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!;
            var gradientsPath = parse.GetValue(gradients)!;
            var (n, d, _) = GradientSimilarity.GradientShape(gradientsPath);
            var searchOptions = new NeighbourSearchOptions { Method = parse.GetValue(search), Trees = parse.GetValue(trees) };
            if (parse.GetValue(neighbours) is { } asked) GradientSimilarity.RequireNeighbourCount(asked, n, gradientsPath);
            long budget = MemoryBudget.Budget(parse.GetValue(maxMemory));
            var estimate = parse.GetValue(neighbours) is { } k ? SimilarityEstimate.Graph(n, d, k, searchOptions) : SimilarityEstimate.Dense(n, d);
            parse.Err().WriteLine($"estimate: {estimate}");
            MemoryBudget.Check(estimate, budget, SimilarityEstimate.LargestFitting(n, d, budget, searchOptions), gradientsPath);
            if (parse.GetValue(neighbours) is { } m)
            {
                var graph = GradientSimilarity.WriteNearestNeighbourAffinity(gradientsPath, path, m, searchOptions);
                parse.Out().WriteLine($"wrote {path}: {graph.Size} samples, {graph.Entries} entries ({m} nearest neighbours, symmetrised)");
            }
            else
            {
                GradientSimilarity.WriteAffinity(gradientsPath, path);
                parse.Out().WriteLine($"wrote {path}");
            }
            return 0;
        });
        return command;
    }
}
