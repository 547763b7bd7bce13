using QuantaDiscovery.Common;
using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Toys.SparseParity;

/// <summary>
/// One multitask-sparse-parity run: an MLP with one ReLU hidden layer of width w, trained with AdamW
/// on fresh samples every step (infinite data) or on minibatches of a fixed dataset of D samples. The
/// defaults are a reduced setting (32 tasks, 32 bits, batch 500, 30,000 steps) that trains in about a
/// minute per width on 2 CPU cores and learns about a dozen tasks one by one, the most frequent first;
/// <see cref="Paper"/> is the paper's setting.
/// </summary>
public sealed record SparseParityOptions
{
    /// <summary>n_tasks, the number of parity tasks (control bits).</summary>
    public int Tasks { get; init; } = 32;
    /// <summary>n, the number of data bits.</summary>
    public int Bits { get; init; } = 32;
    /// <summary>k, the bits per parity.</summary>
    public int SubsetSize { get; init; } = 3;
    /// <summary>α of the task frequencies p_i ∝ i^−(α+1); the paper's scaling exponent.</summary>
    public double Alpha { get; init; } = 0.4;
    /// <summary>w, the hidden width.</summary>
    public int Width { get; init; } = 128;
    public int BatchSize { get; init; } = 500;
    public int Steps { get; init; } = 30_000;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>AdamW decoupled weight decay (PyTorch's default 0.01).</summary>
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>D, a fixed training set size; null draws fresh samples every step (the paper's infinite-data regime).</summary>
    public int? DatasetSize { get; init; }
    /// <summary>Per-task losses are measured every this many steps (and at the last step).</summary>
    public int EvalEvery { get; init; } = 250;
    /// <summary>Held-out samples per task in the evaluation set.</summary>
    public int EvalSamplesPerTask { get; init; } = 256;
    /// <summary>A task has converged at the first evaluation where its loss falls below this (nats; chance is ln 2 ≈ 0.69).</summary>
    public double ConvergenceLoss { get; init; } = 0.1;
    public Precision Precision { get; init; } = Precision.Float32;
    public int Seed { get; init; }

    /// <summary>Michaud et al. 2023, §3: n_tasks 500, n 100, k 3, α 0.4, batch 20,000 (hours on a CPU).</summary>
    public static SparseParityOptions Paper { get; } = new()
    {
        Tasks = 500, Bits = 100, SubsetSize = 3, Alpha = 0.4, BatchSize = 20_000, Steps = 100_000, EvalEvery = 1000, EvalSamplesPerTask = 1000,
    };

    /// <summary>A preset by name: "reduced" (the defaults above) or "paper" (<see cref="Paper"/>).</summary>
    public static SparseParityOptions Preset(string name) => name switch
    {
        "reduced" => new SparseParityOptions(),
        "paper" => Paper,
        _ => throw new InputException($"unknown preset '{name}': reduced or paper"),
    };

    /// <summary>Trainable parameters of the MLP: (n_tasks + n)·w + w + 2w + 2.</summary>
    public long Parameters => (long)(Tasks + Bits) * Width + Width + 2L * Width + 2;

    public void Validate()
    {
        void Positive(int value, string name)
        {
            if (value < 1)
                throw InputException.Invalid(name, value, $"{name} must be ≥ 1");
        }
        Positive(Tasks, nameof(Tasks));
        Positive(Bits, nameof(Bits));
        Positive(Width, nameof(Width));
        Positive(BatchSize, nameof(BatchSize));
        Positive(Steps, nameof(Steps));
        Positive(EvalEvery, nameof(EvalEvery));
        Positive(EvalSamplesPerTask, nameof(EvalSamplesPerTask));
        if (DatasetSize is { } d)
            Positive(d, nameof(DatasetSize));
        if (SubsetSize < 1 || SubsetSize > Bits)
            throw InputException.Invalid(nameof(SubsetSize), SubsetSize, $"k must lie in [1, n = {Bits}]");
        if (!(LearningRate > 0) || !(WeightDecay >= 0))
            throw InputException.Invalid(nameof(LearningRate), null, $"need lr > 0 and weight decay ≥ 0, got {LearningRate}, {WeightDecay}");
        if (!(ConvergenceLoss > 0))
            throw InputException.Invalid(nameof(ConvergenceLoss), ConvergenceLoss, "the convergence threshold must be positive");
    }
}
