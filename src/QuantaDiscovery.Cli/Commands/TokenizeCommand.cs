using System.CommandLine;
using QuantaDiscovery.Corpus;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Cli.Commands;

internal static class TokenizeCommand
{
    public static Command Create()
    {
        var tokenizerPath = new Option<string>("--tokenizer") { Description = "a Hugging Face tokenizer.json (byte-level BPE)", Required = true };
        var input = new Option<string>("--input") { Description = "corpus: .jsonl, .jsonl.zst, .jsonl.gz or .parquet with a text field", Required = true };
        var output = new Option<string>("--output") { Description = "JSON lines {\"ids\":[...]}, one per input line", Required = true };
        var skipBadLines = new Option<bool>("--skip-bad-lines") { Description = "count and report bad lines (written as {\"ids\":null}) instead of stopping" };
        var threads = new Option<int>("--threads") { Description = "encoding threads (-1: all cores)", DefaultValueFactory = _ => -1 };
        var command = new Command("tokenize", "Tokenize a corpus exactly as Hugging Face's tokenizers library does (no special tokens added)")
        {
            tokenizerPath, input, output, skipBadLines, threads,
        };
        command.SetAction(parse =>
        {
            var tokenizer = ByteLevelBpeTokenizer.Load(parse.GetValue(tokenizerPath)!);
            var result = CorpusTokenization.WriteIdsJsonLines(tokenizer, parse.GetValue(input)!, parse.GetValue(output)!,
                new CorpusReadOptions { SkipBadLines = parse.GetValue(skipBadLines) }, parse.GetValue(threads));
            parse.Err().WriteLine($"{result.Report.Summary()}; {result.Tokens:N0} tokens written to {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }
}
