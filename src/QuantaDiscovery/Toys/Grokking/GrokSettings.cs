using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Toys.Grokking;

/// <summary>
/// The options of a grokking run (the <c>grok</c> stage and the <c>grok</c> and <c>grok-sweep</c> commands); those left out
/// take the preset's value (<see cref="GrokkingOptions.Preset"/>).
/// </summary>
public static class GrokSettings
{
    public static readonly StageSetting Preset = new("preset", SettingKind.Text,
        "light (the fast CPU setting: MLP, x+y mod 59, train fraction 0.5, float32, 3,000 steps, seed 0) or omnigrok (Omnigrok's " +
        "transformer run: x+y mod 113, train fraction 0.3, float64, lr 1e-3, weight decay 1, 15,000 steps, seed 42, Nanda et al.'s initial scales)",
        Default: "light", Choices: ["light", "omnigrok"]);
    public static readonly StageSetting Task = new("task", SettingKind.Text, "binary operation (default: the preset's, x+y)", Choices: [.. BinaryOperations.ByName.Keys]);
    public static readonly StageSetting Modulus = new("p", SettingKind.Integer, "prime modulus p (default 59 for mlp, 113 for transformer; ignored for s5)");
    public static readonly StageSetting TrainFraction = new("train-frac", SettingKind.Number, "fraction of the table used for training (light 0.5, omnigrok 0.3)");
    public static readonly StageSetting Architecture = new("arch", SettingKind.Text, "mlp or transformer (Nanda et al. 2023; light mlp, omnigrok transformer)",
        Choices: ["mlp", "transformer"]);
    public static readonly StageSetting Steps = new("steps", SettingKind.Integer, "full-batch optimiser steps (light 3,000, omnigrok 15,000)");
    public static readonly StageSetting WeightDecay = new("weight-decay", SettingKind.Number, "AdamW weight decay γ (default 1; 0 with --constrain-norm)");
    public static readonly StageSetting LearningRate = new("lr", SettingKind.Number, "AdamW learning rate (default 3e-3 for mlp, 1e-3 for transformer)");
    public static readonly StageSetting InitScale = new("init-scale", SettingKind.Number, "Omnigrok α: multiply all initial weights by α", Default: "1");
    public static readonly StageSetting ConstrainNorm = new("constrain-norm", SettingKind.Flag,
        "keep the total weight norm at its initial value after every step (Omnigrok)", Default: "false");
    public static readonly StageSetting DType = new("dtype", SettingKind.Text,
        "float32 or float64 (float64 avoids the stuck runs of small train fractions; light float32, omnigrok float64)", Choices: ["float32", "float64"]);
    public static readonly StageSetting Init = new("init", SettingKind.Text,
        "transformer initial scales: fanin (1/√fan-in everywhere; light) or nanda (MLP output 1/√d_model, unembedding 1/√d_vocab; omnigrok)", Choices: ["fanin", "nanda"]);
    public static readonly StageSetting Seed = new("seed", SettingKind.Integer, "seed of the split and the initialisation (light 0, omnigrok 42)");
    public static readonly StageSetting Threads = new("threads", SettingKind.Integer, "libtorch CPU threads (default: libtorch's choice)");
    public static readonly StageSetting StopWhenGeneralised = new("stop-when-generalised", SettingKind.Flag,
        "stop at the first step with validation accuracy ≥ 0.99", Default: "false");
    public static readonly StageSetting Output = new("output", SettingKind.Text, "output folder (metrics.csv, summary.json, PNG charts)", Required: true);

    public static readonly StageSetting Vary = new("vary", SettingKind.Text, "the hyperparameter swept", Required: true, Choices: ["weight-decay", "train-frac", "init-scale"]);
    public static readonly StageSetting Values = new("values", SettingKind.Text, "comma-separated values, e.g. 0.3,1,3", Required: true);
    public static readonly StageSetting Seeds = new("seeds", SettingKind.Integer, "runs per value (seeds --seed, --seed+1, …)", Default: "1");
    public static readonly StageSetting SweepOutput = new("output", SettingKind.Text, "output folder (sweep.csv, fit.json, sweep.png, runs/)", Required: true);

    /// <summary>The <c>grok</c> stage's settings, in the order pipelines/README.md lists them.</summary>
    public static IReadOnlyList<StageSetting> Stage { get; } = [Preset, Task, Modulus, TrainFraction, Steps, WeightDecay, Seed, Threads];

    /// <summary>The options of one run, shared by both commands.</summary>
    public static IReadOnlyList<StageSetting> Run { get; } =
        [Preset, Task, Modulus, TrainFraction, Architecture, Steps, WeightDecay, LearningRate, InitScale, ConstrainNorm, DType, Init, Seed, Threads, StopWhenGeneralised];

    /// <summary>The <c>grok</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [.. Run, Output];

    /// <summary>The <c>grok-sweep</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> SweepCommand { get; } = [.. Run, Vary, Values, Seeds, SweepOutput];
}
