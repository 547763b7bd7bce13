using TorchSharp.Modules;
using static TorchSharp.torch;
using static QuantaDiscovery.Common.Scalars;

namespace QuantaDiscovery.Toys;

/// <summary>The total L2 norm of a model's parameters, ‖θ‖ = √(Σ θᵢ²), as tracked by Omnigrok (Liu, Michaud & Tegmark, ICLR 2023).</summary>
public static class WeightNorm
{
    public static double Of(IReadOnlyList<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return stack(parameters.Select(p => p.pow(Two).sum().to(ScalarType.Float64))).sum().sqrt().item<double>();
    }

    /// <summary>Multiplies every parameter in place by <paramref name="factor"/> (the Omnigrok initialisation scale α).</summary>
    public static void Scale(IReadOnlyList<Parameter> parameters, double factor)
    {
        using var _ = no_grad();
        foreach (var p in parameters)
            p.mul_(factor);
    }

    /// <summary>Rescales all parameters together so that their total norm is <paramref name="targetNorm"/> (Omnigrok's constrained mode).</summary>
    public static void ProjectTo(IReadOnlyList<Parameter> parameters, double targetNorm) =>
        Scale(parameters, targetNorm / Of(parameters));
}
