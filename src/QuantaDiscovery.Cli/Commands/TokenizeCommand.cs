using System.CommandLine;
using QuantaDiscovery.Corpus;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Cli.Commands;

internal static class TokenizeCommand
{
    public static Command Create()
    {
        var tokenizerPath = SettingOptions.From<string>(TokenizeSettings.Tokenizer);
        var input = SettingOptions.From<string>(TokenizeSettings.Corpus, "--input");
        var merges = SettingOptions.From<int?>(TokenizeSettings.Merges);
        var maxDocuments = SettingOptions.From<long?>(TokenizeSettings.MaxDocuments);
        var threads = SettingOptions.From<int>(TokenizeSettings.Threads);
        var skipBadLines = SettingOptions.From<bool>(TokenizeSettings.SkipBadLines);
        var output = SettingOptions.From<string>(TokenizeSettings.Output);
        var command = new Command("tokenize", "Tokenize a corpus exactly as Hugging Face's tokenizers library does (no special tokens added)")
            .With(tokenizerPath, input, merges, maxDocuments, threads, skipBadLines, output);
        command.SetAction(async (parse, cancellation) =>
        {
            var tokenizer = ByteLevelBpeTokenizer.Load(parse.GetValue(tokenizerPath)!);
            if (parse.GetValue(merges) is { } kept) tokenizer = tokenizer.Truncate(kept);
            var result = await CorpusTokenization.WriteIdsJsonLinesAsync(tokenizer, parse.GetValue(input)!, parse.GetValue(output)!,
                new CorpusReadOptions { MaxDocuments = parse.GetValue(maxDocuments), SkipBadLines = parse.GetValue(skipBadLines) }, parse.GetValue(threads), cancellation);
            parse.Err().WriteLine($"{result.Report.Summary()}; {result.Tokens:N0} tokens written to {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }
}
