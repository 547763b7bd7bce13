using System.CommandLine;
using QuantaDiscovery.Score;

namespace QuantaDiscovery.Cli.Commands;

internal static class MergeCommand
{
    public static Command Create()
    {
        var inputs = new Option<string[]>("--inputs")
        {
            Description = "shard output folders in order, or a <stage>/<fingerprint>.shards folder holding i-of-N folders",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--output") { Description = "folder for the merged tables, loss_matrix.npy and models.csv", Required = true };
        var command = new Command("merge", "Combine the outputs of losses shards into one, as a single process would have written them") { inputs, output };
        command.SetAction(async (parse, cancellation) =>
        {
            var shards = LossShardMerge.ShardFolders(parse.GetValue(inputs)!);
            await LossShardMerge.MergeAsync(shards, parse.GetValue(output)!, cancellation);
            parse.Out().WriteLine($"merged {shards.Count} shards → {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }
}
