using QuantaDiscovery.Common;
namespace QuantaDiscovery.Toys.Grokking;

public enum GrokkingArchitecture { Mlp, Transformer }

/// <summary>
/// Initial scales of the grokking transformer. FanIn: every matrix N(0, 1/fan-in). Nanda: Nanda et al.'s notebook, which
/// Omnigrok's modular-addition transformer (Fig. 7) copies "directly" (KindXiaoming/Omnigrok,
/// mod-addition/grokking/modular-addition-grokking.ipynb): the MLP output W_out N(0, 1/d_model) instead of 1/d_mlp,
/// and the unembedding W_U N(0, 1/d_vocab) with d_vocab = p + 1; the rest equal FanIn's.
/// </summary>
public enum TransformerInit { FanIn, Nanda }

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
    /// <summary>Initial scales of the transformer (ignored by the MLP).</summary>
    public TransformerInit TransformerInit { get; init; } = TransformerInit.FanIn;

    /// <summary>
    /// Omnigrok's transformer run (Liu, Michaud &amp; Tegmark 2023, Fig. 7; KindXiaoming/Omnigrok,
    /// mod-addition/grokking/modular-addition-grokking.ipynb): x+y mod 113, training fraction 0.3, float64
    /// (torch.set_default_dtype), one layer, d_model 128, 4 heads, d_mlp 512, no LayerNorm, AdamW lr 10⁻³, weight
    /// decay 1, β (0.9, 0.98), 15,000 full-batch steps, seed 42, Nanda et al.'s initial scales. The notebook's seed
    /// drives PyTorch's generator, so the same number does not give the same split or initial weights here.
    /// The defaults above are the fast CPU setting.
    /// </summary>
    public static GrokkingOptions OmnigrokTransformer { get; } = new()
    {
        Architecture = GrokkingArchitecture.Transformer, Operation = BinaryOperation.Add, Modulus = 113, TrainFraction = 0.3,
        Precision = Precision.Float64, LearningRate = 1e-3, WeightDecay = 1, Beta1 = 0.9, Beta2 = 0.98, Steps = 15_000, Seed = 42,
        TransformerInit = TransformerInit.Nanda,
    };

    /// <summary>A preset by name: "light" (the fast CPU defaults) or "omnigrok" (<see cref="OmnigrokTransformer"/>).</summary>
    public static GrokkingOptions Preset(string name) => name switch
    {
        "light" => new GrokkingOptions(),
        "omnigrok" => OmnigrokTransformer,
        _ => throw new InputException($"unknown preset '{name}': light or omnigrok"),
    };

    public int ResolvedModulus => Operation == BinaryOperation.S5Composition ? 120
        : Modulus ?? (Architecture == GrokkingArchitecture.Transformer ? 113 : 59);
    public double ResolvedLearningRate => LearningRate ?? (Architecture == GrokkingArchitecture.Transformer ? 1e-3 : 3e-3);
    public double ResolvedWeightDecay => WeightDecay ?? (ConstrainNorm ? 0 : 1);

    public void Validate()
    {
        if (!(TrainFraction > 0 && TrainFraction < 1))
            throw InputException.Invalid(nameof(TrainFraction), TrainFraction, "the training fraction must lie strictly between 0 and 1");
        if (Steps < 1)
            throw InputException.Invalid(nameof(Steps), Steps, "need at least one step");
        if (!(ResolvedLearningRate > 0))
            throw InputException.Invalid(nameof(LearningRate), LearningRate, "the learning rate must be positive");
        if (!(ResolvedWeightDecay >= 0))
            throw InputException.Invalid(nameof(WeightDecay), WeightDecay, "the weight decay must be ≥ 0");
        if (!(InitScale > 0))
            throw InputException.Invalid(nameof(InitScale), InitScale, "the initialisation scale must be positive");
        if (!(Beta1 is >= 0 and < 1) || !(Beta2 is >= 0 and < 1))
            throw InputException.Invalid(nameof(Beta1), null, $"betas must lie in [0, 1), got ({Beta1}, {Beta2})");
    }
}
