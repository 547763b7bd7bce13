using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Tokenize;

/// <summary>The options of corpus tokenization (the <c>tokenize</c> stage and command; <c>truncate-tokenizer</c> shares the tokenizer and merges).</summary>
public static class TokenizeSettings
{
    public static readonly StageSetting Tokenizer = new("tokenizer", SettingKind.InputPath,
        "Hugging Face tokenizer.json (byte-level BPE), e.g. models/tokenizers/gpt-neox-20b/tokenizer.json", Required: true);
    public static readonly StageSetting Corpus = new("corpus", SettingKind.InputPath, "corpus: .jsonl, .jsonl.zst, .jsonl.gz or .parquet with a text field", Required: true);
    public static readonly StageSetting Merges = new("merges", SettingKind.Integer, "keep the first K merges, in merge order, ids renumbered (unset: all, except in truncate-tokenizer, which needs it)");
    public static readonly StageSetting MaxDocuments = new("max-documents", SettingKind.Integer, "encode only the corpus's first N documents");
    public static readonly StageSetting Threads = new("threads", SettingKind.Integer, "encoding threads (-1: all cores)", Default: "-1");
    public static readonly StageSetting SkipBadLines = new("skip-bad-lines", SettingKind.Flag,
        "count and report bad corpus lines (written as {\"ids\":null}) instead of stopping", Default: "false");
    public static readonly StageSetting Output = new("output", SettingKind.Text, "JSON lines {\"ids\":[...]}, one per input line", Required: true);

    /// <summary>The <c>tokenize</c> stage's settings, in the order pipelines/README.md lists them.</summary>
    public static IReadOnlyList<StageSetting> Stage { get; } = [Tokenizer, Corpus, Merges, MaxDocuments, Threads, SkipBadLines];

    /// <summary>The <c>tokenize</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [.. Stage, Output];

    /// <summary><c>truncate-tokenizer</c>: how many merges to keep.</summary>
    public static readonly StageSetting KeptMerges = Merges with { Required = true };

    public static readonly StageSetting TruncatedOutput = new("output", SettingKind.Text, "tokenizer.json to write", Required: true);

    /// <summary>The <c>truncate-tokenizer</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> TruncateCommand { get; } = [Tokenizer, KeptMerges, TruncatedOutput];
}
