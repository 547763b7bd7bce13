using System.CommandLine;
using QuantaDiscovery.Score;

namespace QuantaDiscovery.Cli.Commands;

internal static class MergeCommand
{
    public static Command Create()
    {
        var inputs = SettingOptions.From<string[]>(MergeSettings.Inputs);
        inputs.AllowMultipleArgumentsPerToken = true;
        var output = SettingOptions.From<string>(MergeSettings.Output);
        var command = new Command("merge", "Combine the outputs of losses shards into one, as a single process would have written them").With(inputs, output);
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
