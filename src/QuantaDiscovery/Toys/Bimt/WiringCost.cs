using static TorchSharp.torch;

namespace QuantaDiscovery.Toys.Bimt;

/// <summary>
/// The connection cost that BIMT adds to the loss (Liu, Gan &amp; Tegmark 2023, eq. 2, in the authors' normalisation):
/// <code>
/// ℓ = Σ_i mean_{r,c} |W_i[r,c]| (A·|x_r − x_c| + y₀) + Σ_i mean_r |b_i[r]| y₀ + mean |E| y₀
/// </code>
/// with A the horizontal scale and y₀ the layer distance of <see cref="WiringGeometry"/>. Each layer's term is a mean
/// (not a sum), so λ does not scale with the widths. Biases and the embedding pay the length-free part y₀ only.
/// </summary>
public sealed class WiringCost : IDisposable
{
    private readonly Tensor[] lengths;
    private readonly double layerDistance;

    public WiringCost(BimtNetwork network, WiringGeometry geometry)
    {
        layerDistance = geometry.LayerDistance;
        lengths = new Tensor[network.Depth];
        for (int i = 0; i < network.Depth; i++)
        {
            var length = ConnectionLengths(network, geometry, i);
            lengths[i] = tensor(length, [network.Widths[i + 1], network.FanIn(i)], dtype: network.Weights[0].dtype);
        }
    }

    /// <summary>A·|x_r − x_c| + y₀ for every weight of layer <paramref name="layer"/>, row-major [n_{i+1} × fold_i·n_i].</summary>
    public static double[] ConnectionLengths(BimtNetwork network, WiringGeometry geometry, int layer)
    {
        int rows = network.Widths[layer + 1], inputs = network.Widths[layer], columns = network.FanIn(layer);
        var length = new double[rows * columns];
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < columns; c++)
            length[r * columns + c] = geometry.HorizontalScale
                * Math.Abs(WiringGeometry.Position(r, rows) - WiringGeometry.Position(c % inputs, inputs)) + geometry.LayerDistance;
        return length;
    }

    /// <summary>ℓ as a differentiable scalar.</summary>
    public Tensor Of(BimtNetwork network)
    {
        using var scope = NewDisposeScope();
        var cost = network.Embedding.abs().mean().mul(layerDistance);
        for (int i = 0; i < lengths.Length; i++)
            cost = cost + network.Weights[i].abs().mul(lengths[i]).mean() + network.Biases[i].abs().mean().mul(layerDistance);
        return cost.MoveToOuterDisposeScope();
    }

    /// <summary>ℓ as a number.</summary>
    public double Value(BimtNetwork network)
    {
        using var _ = no_grad();
        using var cost = Of(network);
        return cost.to(ScalarType.Float64).item<double>();
    }

    public void Dispose()
    {
        foreach (var t in lengths)
            t.Dispose();
    }
}
