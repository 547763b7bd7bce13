using System.CommandLine;
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
        var command = new Command("similarity", "angular affinity of normalised per-sample gradients") { gradients, output, neighbours };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!;
            if (parse.GetValue(neighbours) is { } m)
            {
                var graph = GradientSimilarity.WriteNearestNeighbourAffinity(parse.GetValue(gradients)!, path, m);
                parse.Out().WriteLine($"wrote {path}: {graph.Size} samples, {graph.Entries} entries ({m} nearest neighbours, symmetrised)");
            }
            else
            {
                GradientSimilarity.WriteAffinity(parse.GetValue(gradients)!, path);
                parse.Out().WriteLine($"wrote {path}");
            }
            return 0;
        });
        return command;
    }
}
