namespace QuantaDiscovery.Toys.Grokking;

public enum GrokkingArchitecture { Mlp, Transformer }

/// <summary>Floating-point type of the weights and arithmetic.</summary>
public enum Precision { Float32, Float64 }

/// <summary>
/// One grokking run. The defaults are the fast CPU setting (x+y mod 59, half the table for training, the
/// embedding MLP, full-batch AdamW lr 3·10⁻³, weight decay 1, β = (0.9, 0.98)): it memorises within
/// ~100 steps and generalises after ~1,500–2,000. Null learning rate and modulus take the
/// architecture's default (the transformer follows Nanda et al.: p = 113, lr 10⁻³).
/// </summary>
/// <remarks>
/// Pitfall: at small training fractions (≈0.3) in float32 the training loss collapses to ~10⁻⁶, the
/// gradients underflow the weight-decay pull, and validation accuracy can stay stuck; use
/// <see cref="Precision.Float64"/> for such runs.
/// </remarks>
public sealed record GrokkingOptions
{
    public BinaryOperation Operation { get; init; } = BinaryOperation.Add;
    /// <summary>p, a prime (ignored for S5). Null: 59 for the MLP, 113 for the transformer.</summary>
    public int? Modulus { get; init; }
    /// <summary>Fraction of the table's equations used for training; the rest is the validation set.</summary>
    public double TrainFraction { get; init; } = 0.5;
    public GrokkingArchitecture Architecture { get; init; } = GrokkingArchitecture.Mlp;
    /// <summary>Number of full-batch optimiser steps.</summary>
    public int Steps { get; init; } = 3000;
    /// <summary>AdamW learning rate η. Null: 3·10⁻³ for the MLP, 10⁻³ for the transformer.</summary>
    public double? LearningRate { get; init; }
    /// <summary>AdamW (decoupled) weight decay γ. Null: 1, or 0 in the constrained-norm mode.</summary>
    public double? WeightDecay { get; init; }
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.98;
    /// <summary>Omnigrok's α: every initial weight is multiplied by it.</summary>
    public double InitScale { get; init; } = 1;
    /// <summary>Omnigrok's constrained mode: after every step all weights are rescaled to the initial total norm.</summary>
    public bool ConstrainNorm { get; init; }
    /// <summary>Stop at the first step with validation accuracy ≥ 0.99 (used by sweeps).</summary>
    public bool StopWhenGeneralised { get; init; }
    public Precision Precision { get; init; } = Precision.Float32;
    public int Seed { get; init; }
    /// <summary>libtorch intra-op threads (<c>torch.set_num_threads</c>); null leaves the process setting alone.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Omnigrok's transformer runs (Liu, Michaud &amp; Tegmark 2023) as issue 15's read of the authors' code reports them:
    /// the transformer, training fraction 0.3, float64. Not carried over: their output scale 1/√d_mlp (ours is
    /// 1/√d_model), which needs a change to <see cref="GrokkingTransformer"/>. The defaults above are the fast CPU setting.
    /// </summary>
    public static GrokkingOptions OmnigrokTransformer { get; } = new()
    {
        Architecture = GrokkingArchitecture.Transformer, TrainFraction = 0.3, Precision = Precision.Float64,
    };

    public int ResolvedModulus => Operation == BinaryOperation.S5Composition ? 120
        : Modulus ?? (Architecture == GrokkingArchitecture.Transformer ? 113 : 59);
    public double ResolvedLearningRate => LearningRate ?? (Architecture == GrokkingArchitecture.Transformer ? 1e-3 : 3e-3);
    public double ResolvedWeightDecay => WeightDecay ?? (ConstrainNorm ? 0 : 1);

    public void Validate()
    {
        if (!(TrainFraction > 0 && TrainFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(TrainFraction), TrainFraction, "the training fraction must lie strictly between 0 and 1");
        if (Steps < 1)
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "need at least one step");
        if (!(ResolvedLearningRate > 0))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "the learning rate must be positive");
        if (!(ResolvedWeightDecay >= 0))
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "the weight decay must be ≥ 0");
        if (!(InitScale > 0))
            throw new ArgumentOutOfRangeException(nameof(InitScale), InitScale, "the initialisation scale must be positive");
        if (Threads is < 1)
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "need at least one thread");
        if (!(Beta1 is >= 0 and < 1) || !(Beta2 is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(Beta1), $"betas must lie in [0, 1), got ({Beta1}, {Beta2})");
    }
}
