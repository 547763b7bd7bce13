using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Qdg;

namespace QuantaDiscovery.Gradients;

/// <summary>The options of per-token gradients (the <c>gradients</c> command; <c>qdg</c> shares <see cref="Params"/>).</summary>
public static class GradientSettings
{
    public static readonly StageSetting Model = new("model", SettingKind.InputPath, "model folder (config.json, model.safetensors, tokenizer.json)", Required: true);
    public static readonly StageSetting Corpus = new("corpus", SettingKind.InputPath, "the corpus the samples come from", Required: true);
    public static readonly StageSetting Samples = new("samples", SettingKind.InputPath, "samples.parquet from `quanta select`", Required: true);
    public static readonly StageSetting Output = new("output", SettingKind.Text, "output folder: gradients.npy, gradients.json", Required: true);
    public static readonly StageSetting Params = new("params", SettingKind.Text, "paper (no layer norms, no embeddings) or all",
        Default: "paper", Paper: "paper", Choices: ["paper", "all"]);
    public static readonly StageSetting Density = new("density", SettingKind.Number, "nonzero fraction of the projection (default 1/√d; Li et al. 2006)");
    public static readonly StageSetting Seed = new("seed", SettingKind.Integer, "seed of the projection", Default: "0");
    public static readonly StageSetting Context = new("context", SettingKind.Integer,
        "the context the table was made with (default: as quanta losses, 1024 or the model's positions if fewer)");
    public static readonly StageSetting Threads = new("threads", SettingKind.Integer, "TorchSharp threads (0: libtorch's default)", Default: "0");

    /// <summary>The <c>gradients</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [Model, Corpus, Samples, Output, Params, QdgSettings.Projection, Density, Seed, Context, Threads];
}
