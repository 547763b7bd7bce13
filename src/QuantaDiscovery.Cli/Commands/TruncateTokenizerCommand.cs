using System.CommandLine;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Cli.Commands;

/// <summary>`quanta truncate-tokenizer`: keeps a byte-level BPE tokenizer's first K merges (ids renumbered), e.g. the pico tokenizer.</summary>
internal static class TruncateTokenizerCommand
{
    public static Command Create()
    {
        var tokenizer = SettingOptions.From<string>(TokenizeSettings.Tokenizer);
        var merges = SettingOptions.From<int>(TokenizeSettings.KeptMerges);
        var output = SettingOptions.From<string>(TokenizeSettings.TruncatedOutput);
        var command = new Command("truncate-tokenizer",
            "Write a smaller tokenizer: the first K merges of a byte-level BPE tokenizer, all bytes and added tokens, ids renumbered in order")
            .With(tokenizer, merges, output);
        command.SetAction(parse =>
        {
            var truncated = ByteLevelBpeTokenizer.Load(parse.GetValue(tokenizer)!).Truncate(parse.GetValue(merges));
            truncated.Save(parse.GetValue(output)!);
            parse.Out().WriteLine($"{parse.GetValue(output)}: {truncated.VocabularySize} tokens, {truncated.MergeCount} merges");
            return 0;
        });
        return command;
    }
}
