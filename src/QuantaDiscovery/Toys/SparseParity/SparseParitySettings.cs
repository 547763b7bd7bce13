using System.Globalization;
using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Toys.SparseParity;

/// <summary>
/// The options of multitask sparse parity (the <c>sparse-parity</c> stage and the <c>sparse-parity</c> and
/// <c>sparse-parity-sweep</c> commands; Michaud et al. 2023, §3); those left out take the preset's value.
/// </summary>
public static class SparseParitySettings
{
    public static readonly StageSetting Preset = new("preset", SettingKind.Text,
        "reduced (32 tasks, n 32, 30,000 steps: about a CPU-minute) or paper (n_tasks 500, n 100, k 3, α 0.4, batch 20,000)",
        Default: "reduced", Choices: ["reduced", "paper"]);
    public static readonly StageSetting Tasks = new("n-tasks", SettingKind.Integer, "number of tasks", Paper: Text(SparseParityOptions.Paper.Tasks));
    public static readonly StageSetting Bits = new("n", SettingKind.Integer, "number of data bits", Paper: Text(SparseParityOptions.Paper.Bits));
    public static readonly StageSetting SubsetSize = new("k", SettingKind.Integer, "bits per parity", Paper: Text(SparseParityOptions.Paper.SubsetSize));
    public static readonly StageSetting Alpha = new("alpha", SettingKind.Number,
        "α: task i has frequency ∝ i^-(α+1) (the authors' code calls α+1 'alpha')", Paper: Text(SparseParityOptions.Paper.Alpha));
    public static readonly StageSetting Width = new("width", SettingKind.Integer, "hidden width w (default 128)");
    public static readonly StageSetting BatchSize = new("batch", SettingKind.Integer, "batch size", Paper: Text(SparseParityOptions.Paper.BatchSize));
    public static readonly StageSetting Steps = new("steps", SettingKind.Integer, "optimiser steps");
    public static readonly StageSetting LearningRate = new("lr", SettingKind.Number, "AdamW learning rate (default 1e-3)");
    public static readonly StageSetting WeightDecay = new("weight-decay", SettingKind.Number, "AdamW weight decay (default 0.01)");
    public static readonly StageSetting DatasetSize = new("dataset-size", SettingKind.Integer, "train on a fixed dataset of D samples (default: fresh samples every step)");
    public static readonly StageSetting EvalEvery = new("eval-every", SettingKind.Integer, "steps between per-task evaluations");
    public static readonly StageSetting ConvergenceLoss = new("convergence-loss", SettingKind.Number,
        "a task has converged when its loss first drops below this (default 0.1 nats)");
    public static readonly StageSetting DType = new("dtype", SettingKind.Text, "float32 or float64", Choices: ["float32", "float64"]);
    public static readonly StageSetting Seed = new("seed", SettingKind.Integer, "seed of the task subsets, data and initialisation", Default: "0");
    public static readonly StageSetting Threads = new("threads", SettingKind.Integer, "libtorch CPU threads (default: libtorch's choice)");
    public static readonly StageSetting Output = new("output", SettingKind.Text, "output folder", Required: true);
    public static readonly StageSetting Widths = new("widths", SettingKind.Text, "comma-separated hidden widths", Default: "4,8,16,32,64,128");
    public static readonly StageSetting SweepOutput = new("output", SettingKind.Text, "output folder (sweep.csv, fit.json, scaling.png, runs/)", Required: true);

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The <c>sparse-parity</c> stage's settings, in the order pipelines/README.md lists them.</summary>
    public static IReadOnlyList<StageSetting> Stage { get; } =
        [Preset, Tasks, Bits, SubsetSize, Alpha, Width, BatchSize, Steps, LearningRate, WeightDecay, DatasetSize, EvalEvery, ConvergenceLoss, Seed, Threads];

    /// <summary>The options shared by both commands (the sweep sets the width itself).</summary>
    public static IReadOnlyList<StageSetting> Run { get; } =
        [Preset, Tasks, Bits, SubsetSize, Alpha, BatchSize, Steps, LearningRate, WeightDecay, DatasetSize, EvalEvery, ConvergenceLoss, DType, Seed, Threads];

    /// <summary>The <c>sparse-parity</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [.. Run, Width, Output];

    /// <summary>The <c>sparse-parity-sweep</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> SweepCommand { get; } = [.. Run, Widths, SweepOutput];
}
