using QuantaDiscovery.Corpus;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary>
/// <c>tokenize</c>: a byte-level BPE tokenizer, cut to its first <c>merges</c> merges when given (the pico tokenizer
/// keeps Pythia's first 1,000), written as tokenizer.json, and the corpus encoded with it as ids.jsonl
/// (<see cref="CorpusTokenization.WriteIdsJsonLinesAsync"/>: one <c>{"ids": [...]}</c> per document, Hugging Face's ids).
/// </summary>
public sealed class TokenizeStage : PipelineStage
{
    public override string Kind => "tokenize";
    public override string Description => "a (truncated) byte-level BPE tokenizer and the corpus's token ids";

    public override IReadOnlyList<StageSetting> Settings => TokenizeSettings.Stage;

    public override async Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var tokenizer = ByteLevelBpeTokenizer.Load(context.Path("tokenizer"));
        if (context.Has("merges")) tokenizer = tokenizer.Truncate(context.Integer("merges"));
        var tokenizerPath = System.IO.Path.Combine(context.OutputFolder, "tokenizer.json");
        tokenizer.Save(tokenizerPath);
        context.Report($"encoding with {tokenizer.VocabularySize} tokens");
        var result = await CorpusTokenization.WriteIdsJsonLinesAsync(tokenizer, context.Path("corpus"), System.IO.Path.Combine(context.OutputFolder, "ids.jsonl"),
            new CorpusReadOptions { MaxDocuments = context.OptionalLong("max-documents"), SkipBadLines = context.Flag("skip-bad-lines") },
            context.Integer("threads"), cancellationToken);
        context.Log($"{tokenizer.VocabularySize} tokens; {result.Tokens:N0} ids written; {result.Report.Summary()}");
    }
}
