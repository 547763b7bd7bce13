using QuantaDiscovery.Models;
using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Train;

/// <summary>The options of language-model training (the <c>train-lm</c> stage and command).</summary>
public static class TrainLmSettings
{
    public static readonly StageSetting Suite = new("suite", SettingKind.InputPath,
        "suite.json listing sizes and the shared schedule (e.g. models/pico/suite.json); replaces the size and schedule options");
    public static readonly StageSetting Corpus = new("corpus", SettingKind.InputPath, "training corpus (.jsonl, .jsonl.zst, .jsonl.gz or .parquet)", Required: true);
    public static readonly StageSetting Tokenizer = new("tokenizer", SettingKind.InputPath,
        "byte-level BPE tokenizer.json, copied into every checkpoint (e.g. ${tokenize.output}/tokenizer.json)", Required: true);
    public static readonly StageSetting Threads = new("threads", SettingKind.Integer, "torch intra-op threads (0: libtorch's default)", Default: "0");
    public static readonly StageSetting Output = new("output", SettingKind.Text, "output folder: <name>/step<N>/ checkpoints, tokens.npy, models.csv", Required: true);
    public static readonly StageSetting Family = new("family", SettingKind.Text,
        "model family (Hugging Face model_type) of the size given by --layers/--d-model/--heads; a suite.json names it in \"family\"",
        Default: ModelFamilies.Default.ModelType, Choices: [.. ModelFamilies.All.Select(f => f.ModelType)]);
    public static readonly StageSetting Layers = new("layers", SettingKind.Integer, "transformer layers");
    public static readonly StageSetting DModel = new("d-model", SettingKind.Integer, "hidden size (GPT-NeoX: MLP 4×; Llama: SwiGLU 8/3×)");
    public static readonly StageSetting Heads = new("heads", SettingKind.Integer, "attention heads");
    public static readonly StageSetting Context = new("context", SettingKind.Integer, "tokens per training sequence", Default: "256");
    public static readonly StageSetting BatchSize = new("batch-size", SettingKind.Integer, "sequences per update", Default: "16");
    public static readonly StageSetting Steps = new("steps", SettingKind.Integer, "optimizer updates", Default: "1000");
    public static readonly StageSetting LearningRate = new("lr", SettingKind.Number, "peak learning rate (cosine decay to 0.1×)", Default: "0.001");
    public static readonly StageSetting Warmup = new("warmup", SettingKind.Integer, "linear warmup updates (default 1% of --steps)");
    public static readonly StageSetting Checkpoints = new("checkpoints", SettingKind.Text,
        "'pythia' (0, powers of two, then 10 evenly spaced) or a list like 0,100,200", Default: "pythia");
    public static readonly StageSetting Seed = new("seed", SettingKind.Integer, "seed of the initial weights and of the sequence order", Default: "0");
    public static readonly StageSetting SaveDType = new("dtype-save", SettingKind.Text, "checkpoint weights: f32 or f16 (the resume state is always f32)",
        Default: "f32", Choices: ["f32", "f16"]);
    public static readonly StageSetting Only = new("only", SettingKind.Text,
        "with --suite: train only these sizes (names such as pico-3k), e.g. to train sizes in parallel processes");

    /// <summary>The <c>train-lm</c> stage's settings (a suite.json is required there), in the order pipelines/README.md lists them.</summary>
    public static IReadOnlyList<StageSetting> Stage { get; } = [Suite with { Required = true }, Corpus, Tokenizer, Threads];

    /// <summary>The <c>train-lm</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } =
        [Corpus, Tokenizer, Output, Suite, Family, Layers, DModel, Heads, Context, BatchSize, Steps, LearningRate, Warmup, Checkpoints, Seed, Threads, SaveDType, Only];
}
