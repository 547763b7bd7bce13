using System.CommandLine;
using QuantaDiscovery.Common;
using QuantaDiscovery.Similarity;

namespace QuantaDiscovery.Cli.Commands;

internal static class SimilarityCommand
{
    public static Command Create()
    {
        var gradients = new Option<string>("--gradients") { Description = "per-sample gradients, .npy float32 [n, d]", Required = true };
        var output = new Option<string>("--output")
        {
            Description = "affinity 1 − arccos(cos)/π: .npy float32 [n, n], or with --knn a sparse .npz (scipy.sparse.load_npz opens it)",
            Required = true,
        };
        var neighbours = new Option<int?>("--knn")
        {
            Description = "keep each sample's m largest affinities (the symmetric m-nearest-neighbour graph, CSR) instead of all n²",
        };
        var search = new Option<NeighbourSearch>("--neighbour-search")
        {
            Description = "with --knn: exact (all pairs), forest (approximate: random-projection trees), or auto (forest from 100,000 samples)",
            DefaultValueFactory = _ => NeighbourSearch.Auto,
        };
        var trees = new Option<int>("--trees") { Description = "trees of the forest", DefaultValueFactory = _ => 8 };
        var maxMemory = new Option<string?>("--max-memory") { Description = "memory the step may use (e.g. 20G); default: what the machine has available" };
        var command = new Command("similarity", "angular affinity of normalised per-sample gradients") { gradients, output, neighbours, search, trees, maxMemory };
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
