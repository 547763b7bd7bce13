using System.Globalization;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Toys.Bimt;

/// <summary>
/// The options of brain-inspired modular training (the <c>bimt</c> command; Liu, Gan &amp; Tegmark 2023). The presets differ
/// only in dtype and seed (PaperPresetTests), so the other defaults, taken from <see cref="BimtOptions"/>, are both presets' values.
/// </summary>
public static class BimtSettings
{
    private static readonly BimtOptions Defaults = new();

    public static readonly StageSetting Preset = new("preset", SettingKind.Text,
        "light (float32, seed 0, a lighter CPU setting) or authors (the authors' modular-addition run: float64, seed 4)",
        Default: "light", Choices: ["light", "authors"]);
    public static readonly StageSetting Task = new("task", SettingKind.Text, "binary operation", Default: "x+y", Choices: [.. BinaryOperations.ByName.Keys]);
    public static readonly StageSetting Modulus = new("p", SettingKind.Integer, "prime modulus p (ignored for s5)", Default: Text(Defaults.Modulus));
    public static readonly StageSetting TrainFraction = new("train-frac", SettingKind.Number, "fraction of the table used for training", Default: Text(Defaults.TrainFraction));
    public static readonly StageSetting EmbeddingDim = new("embedding-dim", SettingKind.Integer, "embedding width d per operand (2d input neurons)", Default: Text(Defaults.EmbeddingDim));
    public static readonly StageSetting Hidden = new("hidden", SettingKind.Text, "hidden layer widths, comma-separated", Default: string.Join(',', Defaults.HiddenWidths));
    public static readonly StageSetting Steps = new("steps", SettingKind.Integer, "full-batch optimiser steps", Default: Text(Defaults.Steps));
    public static readonly StageSetting LearningRate = new("lr", SettingKind.Number, "AdamW learning rate", Default: Text(Defaults.LearningRate));
    public static readonly StageSetting WeightDecay = new("weight-decay", SettingKind.Number, "AdamW weight decay", Default: Text(Defaults.WeightDecay));
    public static readonly StageSetting Lambda = new("lambda", SettingKind.Number, "wiring-penalty strength λ (0 with --swap-every 0: plain training)", Default: Text(Defaults.Lambda.Lambda));
    public static readonly StageSetting LambdaBoost = new("lambda-boost", SettingKind.Number, "λ is multiplied by this from 1/4 to 3/4 of the run", Default: Text(Defaults.Lambda.Boost));
    public static readonly StageSetting SwapEvery = new("swap-every", SettingKind.Integer, "steps between swap passes (0: never)", Default: Text(Defaults.SwapEvery));
    public static readonly StageSetting SwapTopK = new("swap-top-k", SettingKind.Integer, "neurons per layer that look for a better slot in each pass", Default: Text(Defaults.SwapTopK));
    public static readonly StageSetting WeightThreshold = new("weight-threshold", SettingKind.Number,
        "a weight counts as a connection when |w| > this × the largest |w| of its layer", Default: Text(Defaults.WeightThreshold));
    public static readonly StageSetting Knockout = new("knockout", SettingKind.Text,
        "neuron group to knock out after training, name=layer:start-end[,layer:start-end] (layer 0 = embedding slots; repeatable)");
    public static readonly StageSetting Frames = new("frames", SettingKind.Integer, "neuron-graph frames after step 0, evenly spaced", Default: Text(Defaults.Frames));
    public static readonly StageSetting EvalEvery = new("eval-every", SettingKind.Integer, "steps between recorded metrics", Default: Text(Defaults.EvalEvery));
    public static readonly StageSetting DType = new("dtype", SettingKind.Text, "float32 or float64 (light float32; authors float64)", Choices: ["float32", "float64"]);
    public static readonly StageSetting Seed = new("seed", SettingKind.Integer, "seed of the split and the initialisation (light 0; authors 4)");
    public static readonly StageSetting Threads = new("threads", SettingKind.Integer, "libtorch CPU threads (default: libtorch's choice)");
    public static readonly StageSetting ComparePlain = new("compare-plain", SettingKind.Flag,
        "also train the same network plainly (λ 0, no swaps) and print both side by side", Default: "false");
    public static readonly StageSetting Output = new("output", SettingKind.Text, "output folder", Required: true);

    /// <summary>The <c>bimt</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } =
    [
        Preset, Task, Modulus, TrainFraction, EmbeddingDim, Hidden, Steps, LearningRate, WeightDecay, Lambda, LambdaBoost, SwapEvery, SwapTopK,
        WeightThreshold, Knockout, Frames, EvalEvery, DType, Seed, Threads, ComparePlain, Output,
    ];

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
