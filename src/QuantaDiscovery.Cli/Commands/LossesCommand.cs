using System.CommandLine;
using QuantaDiscovery.Score;

namespace QuantaDiscovery.Cli.Commands;

internal static class LossesCommand
{
    public static Command Create()
    {
        var models = SettingOptions.From<string[]>(ScoringSettings.Models, "--model");
        var input = SettingOptions.From<string>(ScoringSettings.Corpus, "--input");
        var output = SettingOptions.From<string>(ScoringSettings.Output);
        var context = SettingOptions.From<int?>(ScoringSettings.Context);
        var maxDocs = SettingOptions.From<long?>(ScoringSettings.MaxDocuments, "--max-docs");
        var batchSize = SettingOptions.From<string>(ScoringSettings.BatchSize);
        var device = SettingOptions.From<string>(ScoringSettings.Device);
        var threads = SettingOptions.From<int>(ScoringSettings.Threads);
        var tokenizer = SettingOptions.From<string?>(ScoringSettings.Tokenizer);
        var skipBadLines = SettingOptions.From<bool>(ScoringSettings.SkipBadLines);
        var command = new Command("losses", "Per-token losses −ln p(x_j | x_<j) of one or more models over a corpus (the paper's convention)")
            .With(models, input, output, context, maxDocs, batchSize, device, threads, tokenizer, skipBadLines);
        ProgressReporter.AddOptions(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new CorpusScoringOptions
            {
                Context = parse.GetValue(context),
                MaxDocuments = parse.GetValue(maxDocs),
                SkipBadLines = parse.GetValue(skipBadLines),
                TokenizerPath = parse.GetValue(tokenizer),
                Scorer = new OnnxScorerOptions
                {
                    Device = parse.GetValue(device)!,
                    IntraOpThreads = parse.GetValue(threads),
                    MaxBatchSize = OnnxScorerOptions.ParseBatchSize(parse.GetValue(batchSize)!, "--batch-size"),
                },
            };
            var reporter = ProgressReporter.For(parse, parse.Err(), parse.Out(), ReferenceEquals(parse.Err(), Console.Error) && !Console.IsErrorRedirected);
            var result = await CorpusScoring.RunAsync(parse.GetValue(models)!, parse.GetValue(input)!, parse.GetValue(output)!, options,
                reporter.For<ScoringProgress>(p => new("scoring", p.TotalDocuments is long total && total > 0 ? (double)p.Documents / total : null,
                    $"{p.Documents:N0} documents, {p.PredictedTokens:N0} tokens", p.PredictedTokens, "tokens")), cancellation);
            foreach (var line in result.Exported) reporter.Note(line);
            reporter.Note(Common.TokenContext.Describe(result.Context, parse.GetValue(context)));
            foreach (var line in result.BatchSizes.Distinct()) reporter.Note(line);
            reporter.Note(result.Report.Summary() +
                $"; {result.DocumentsWithoutPredictions:N0} documents had fewer than 2 tokens; {result.PredictedTokens:N0} losses per model");
            reporter.Result(new { Command = "losses", result.PredictedTokens, result.DocumentsWithoutPredictions, result.ModelTables,
                result.MatrixTable, result.MatrixNpy, result.ModelsCsv }, () =>
            {
                foreach (var table in result.ModelTables) parse.Out().WriteLine(table);
                if (result.MatrixTable is not null) parse.Out().WriteLine(result.MatrixTable);
                if (result.MatrixNpy is not null) parse.Out().WriteLine(result.MatrixNpy);
                parse.Out().WriteLine(result.ModelsCsv);
            });
            return 0;
        });
        return command;
    }
}
