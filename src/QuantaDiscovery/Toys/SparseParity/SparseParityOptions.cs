using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Toys.SparseParity;

/// <summary>
/// One multitask-sparse-parity run: an MLP with one ReLU hidden layer of width w, trained with AdamW
/// on fresh samples every step (infinite data) or on minibatches of a fixed dataset of D samples. The
/// defaults are a LIGHT CPU SETTING, not the paper's (32 tasks, 32 bits, batch 500, 30,000 steps, weight decay 0.01,
/// sampling with replacement, subsets that may repeat) that trains in about a minute per width on 2 CPU cores and
/// learns about a dozen tasks one by one, the most frequent first; <see cref="Paper"/> is the paper's setting.
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
    /// <summary>libtorch intra-op threads; null leaves the process setting alone.</summary>
    public int? Threads { get; init; }

    /// <summary>Draw each task's k-subset again until it differs from every earlier task's (the authors' script does).</summary>
    public bool DistinctSubsets { get; init; }

    /// <summary>With a fixed dataset (D): reshuffle it each epoch and take consecutive minibatches, instead of drawing rows with replacement.</summary>
    public bool ShuffleEpochs { get; init; }

    /// <summary>
    /// With a fixed dataset: stop when the test loss has risen at 10 consecutive evaluations after step 4,000 (the rule of
    /// the authors' scripts/sparse-parity-v5.py, stop_early).
    /// </summary>
    public bool EarlyStopping { get; init; }

    /// <summary>
    /// Michaud et al. 2023, §3, as the authors ran it (scripts/sparse-parity-v4.py with the arguments of
    /// experiments/P-scaling-15/eval.py and D-scaling-6/eval.py): n_tasks 500, n 100, k 3, task frequencies ∝ i^−1.4
    /// (α = 0.4), width 500 (the largest of the P-scaling sweep; D-scaling-6), batch 20,000, 200,000 steps (P-scaling-15),
    /// lr 1e-3 and weight decay 0 (the script's defaults), evaluation every 100 steps (log_freq=100) on 1,000 samples per
    /// task, distinct task subsets, epoch shuffling and early stopping for a finite D, a task counted learned below 0.1
    /// bits (the notebooks plot losses in bits). Hours on a GPU; far longer on a CPU.
    /// </summary>
    public static SparseParityOptions Paper { get; } = new()
    {
        Tasks = 500, Bits = 100, SubsetSize = 3, Alpha = 0.4, Width = 500, BatchSize = 20_000, Steps = 200_000, LearningRate = 1e-3,
        WeightDecay = 0, EvalEvery = 100, EvalSamplesPerTask = 1000, ConvergenceLoss = PaperConvergenceBits * Math.Log(2),
        DistinctSubsets = true, ShuffleEpochs = true, EarlyStopping = true, Precision = Precision.Float32, Seed = 0,
    };

    /// <summary>The paper's learned-task threshold, 0.1 bits (<see cref="ConvergenceLoss"/> is in nats).</summary>
    public const double PaperConvergenceBits = 0.1;

    /// <summary>A preset by name: "reduced" (the light CPU defaults above) or "paper" (<see cref="Paper"/>).</summary>
    public static SparseParityOptions Preset(string name) => name switch
    {
        "reduced" => new SparseParityOptions(),
        "paper" => Paper,
        _ => throw new ArgumentException($"unknown preset '{name}': reduced or paper", nameof(name)),
    };

    /// <summary>Trainable parameters of the MLP: (n_tasks + n)·w + w + 2w + 2.</summary>
    public long Parameters => (long)(Tasks + Bits) * Width + Width + 2L * Width + 2;

    public void Validate()
    {
        void Positive(int value, string name)
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be ≥ 1");
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
        if (Threads is { } t)
            Positive(t, nameof(Threads));
        if (SubsetSize < 1 || SubsetSize > Bits)
            throw new ArgumentOutOfRangeException(nameof(SubsetSize), SubsetSize, $"k must lie in [1, n = {Bits}]");
        if (!(LearningRate > 0) || !(WeightDecay >= 0))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), $"need lr > 0 and weight decay ≥ 0, got {LearningRate}, {WeightDecay}");
        if (!(ConvergenceLoss > 0))
            throw new ArgumentOutOfRangeException(nameof(ConvergenceLoss), ConvergenceLoss, "the convergence threshold must be positive");
    }
}
