using QuantaDiscovery.Corpus;
using QuantaDiscovery.Models;
using QuantaDiscovery.Score;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary>
/// <c>losses</c>: per-token losses of a model suite over a corpus (<see cref="CorpusScoring.RunAsync"/>): losses/&lt;model&gt;.parquet,
/// loss_matrix.parquet/.npy, models.csv. Data-parallel: shard i/N scores the contiguous block i of the documents
/// (see <see cref="Shard"/>), with every model or, with models split (<c>--model m/M</c>), with model folder m alone;
/// <see cref="LossShardMerge"/> puts the blocks and models back together.
/// </summary>
public sealed class LossesStage : PipelineStage
{
    public override string Kind => "losses";
    public override string Description => "per-token losses of every model over a corpus, and the loss matrix";
    public override bool Shardable => true;

    public override IReadOnlyList<StageSetting> Settings => ScoringSettings.All;

    public override async Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var corpus = context.Path("corpus");
        long? maxDocuments = context.OptionalLong("max-documents");
        long skip = 0;
        var models = context.Paths("models");
        var names = CorpusScoring.ModelNames(models);
        var tokenizer = context.OptionalPath("tokenizer") ?? ModelFolder.Open(models[0]).TokenizerPath;
        if (context.Shard is { Models: > 1 } split)
        {
            if (split.Models != models.Count)
                throw context.Error("models", $"--model {split.Model}/{split.Models}: the stage lists {models.Count} model folders, not {split.Models}");
            models = [models[split.Model]];
            names = [names[split.Model]];
        }
        if (context.Shard is { } shard)
        {
            context.Report("counting documents");
            long total = await CountDocumentsAsync(corpus, maxDocuments, context.Flag("skip-bad-lines"), cancellationToken);
            (skip, long end) = shard.Block(total);
            if (end == skip)
                throw context.Error("corpus", $"shard {shard} of {total} documents is empty: use fewer shards");
            maxDocuments = end;
            context.Log($"shard {shard}: documents [{skip}, {end}) of {total}");
        }
        var options = new CorpusScoringOptions
        {
            Context = context.OptionalLong("context") is { } tokens ? checked((int)tokens) : null,
            MaxDocuments = maxDocuments,
            SkipDocuments = skip,
            SkipBadLines = context.Flag("skip-bad-lines"),
            TokenizerPath = tokenizer,
            ModelNames = names,
            Scorer = new OnnxScorerOptions
            {
                Device = context.Text("device"),
                IntraOpThreads = context.Integer("threads"),
                MaxBatchSize = BatchSize(context),
            },
        };
        long? documents = maxDocuments - skip;
        var progress = new Progress<ScoringProgress>(p => context.Report(
            $"{p.Documents:N0} documents, {p.PredictedTokens:N0} tokens, {p.TokensPerSecond:N0} tokens/s",
            documents is > 0 ? Math.Min(1, (double)p.Documents / documents.Value) : null));
        var result = await CorpusScoring.RunAsync(models, corpus, context.OutputFolder, options, progress, cancellationToken);
        context.Log($"{result.Documents:N0} documents, {result.PredictedTokens:N0} losses per model; {result.Report.Summary()}");
        foreach (var line in result.BatchSizes.Distinct()) context.Log(line);
    }

    private static int? BatchSize(StageContext context)
    {
        try
        {
            return OnnxScorerOptions.ParseBatchSize(context.Text("batch-size"), "batch-size");
        }
        catch (Common.InputException)
        {
            throw context.Error("batch-size", $"'{context.Text("batch-size")}' is not auto or a whole number ≥ 1");
        }
    }

    public override Task MergeShardsAsync(IReadOnlyList<string> shardFolders, string outputFolder, CancellationToken cancellationToken) =>
        LossShardMerge.MergeAsync(shardFolders, outputFolder, cancellationToken);

    private static async Task<long> CountDocumentsAsync(string corpus, long? maxDocuments, bool skipBadLines, CancellationToken cancellationToken) =>
        await CorpusReader.ReadAsync(corpus, new CorpusReadOptions { MaxDocuments = maxDocuments, SkipBadLines = skipBadLines }, null, cancellationToken)
            .LongCountAsync(cancellationToken);
}
