using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Score;

/// <summary>The options of per-token scoring (the <c>losses</c> stage and command), with the paper's values (Michaud et al. 2023, §4).</summary>
public static class ScoringSettings
{
    public static readonly StageSetting Models = new("models", SettingKind.InputPaths, "model folders (config.json, model.onnx, tokenizer.json); on the command line, repeat the flag for a suite", Required: true);
    public static readonly StageSetting Corpus = new("corpus", SettingKind.InputPath, "Pile-format corpus: .jsonl, .jsonl.zst, .jsonl.gz or .parquet", Required: true);
    public static readonly StageSetting Context = new("context", SettingKind.Integer,
        "tokens kept from the start of each document (default: 1024, or the models' positions if fewer)", Paper: "1024");
    public static readonly StageSetting MaxDocuments = new("max-documents", SettingKind.Integer, "score only the first N documents", Paper: "200000");
    public static readonly StageSetting BatchSize = new("batch-size", SettingKind.Text,
        "most documents per forward pass, or auto: as many as fit 80% of the device's free memory (an estimate from the model's " +
        "dimensions, the padded length and the dtype; on cpu at most 32 documents and 1,024 positions)", Default: "auto");
    public static readonly StageSetting Threads = new("threads", SettingKind.Integer, "ONNX Runtime intra-op threads (0: one per core)", Default: "0");
    public static readonly StageSetting Device = new("device", SettingKind.Text, "cpu, or cuda (needs the -p:QuantaGpu=true build)", Default: "cpu", Choices: ["cpu", "cuda"]);
    public static readonly StageSetting Tokenizer = new("tokenizer", SettingKind.InputPath, "tokenizer.json to use instead of the first model's");
    public static readonly StageSetting SkipBadLines = new("skip-bad-lines", SettingKind.Flag, "count and report bad corpus lines instead of stopping", Default: "false");

    public static readonly StageSetting Output = new("output", SettingKind.Text, "output folder: losses/<model>.parquet, loss_matrix.parquet/.npy, models.csv", Required: true);

    /// <summary>The <c>losses</c> stage's settings, in the order pipelines/README.md lists them.</summary>
    public static IReadOnlyList<StageSetting> All { get; } = [Models, Corpus, Context, MaxDocuments, BatchSize, Threads, Device, Tokenizer, SkipBadLines];

    /// <summary>The <c>losses</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [.. All, Output];
}
