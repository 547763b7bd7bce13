using System.CommandLine;
using QuantaDiscovery.Similarity;

namespace QuantaDiscovery.Cli.Commands;

internal static class SimilarityCommand
{
    public static Command Create()
    {
        var gradients = new Option<string>("--gradients") { Description = "per-sample gradients, .npy float32 [n, d]", Required = true };
        var output = new Option<string>("--output") { Description = "affinity 1 − arccos(cos)/π, .npy float32 [n, n]", Required = true };
        var command = new Command("similarity", "angular affinity of normalised per-sample gradients") { gradients, output };
        command.SetAction(parse =>
        {
            GradientSimilarity.WriteAffinity(parse.GetValue(gradients)!, parse.GetValue(output)!);
            Console.WriteLine($"wrote {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }
}
