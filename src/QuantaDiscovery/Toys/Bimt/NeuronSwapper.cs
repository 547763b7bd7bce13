using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantaDiscovery.Toys.Bimt;

/// <summary>What one swap pass did: swaps kept, and how much the connection cost ℓ fell (≥ 0).</summary>
public sealed record SwapPassResult(int Swaps, double CostDecrease);

/// <summary>
/// BIMT's swap step (Liu, Gan &amp; Tegmark 2023, §2): in every layer, each of the k most important neurons (largest
/// Σ|w| over its incoming and outgoing weights) tries every other slot of its layer and moves to the one that
/// lowers the connection cost most, trading places with the neuron there. A swap permutes weights, biases and the
/// slot maps together, so the network computes the same function; only the wiring lengths change.
/// </summary>
/// <remarks>
/// Only the weights into and out of the two exchanged neurons change length, so the cost of a swap is computed from
/// a placement table P[r, s] (the length cost of neuron r's weights if it sat in slot s) instead of re-evaluating
/// the whole network for every candidate, as the authors' code does; the kept swap is the same.
/// </remarks>
public static class NeuronSwapper
{
    /// <param name="permuteAlso">called for every permuted parameter (see <see cref="BimtNetwork.Permute"/>), e.g. to move optimiser state along</param>
    public static SwapPassResult Pass(BimtNetwork network, WiringGeometry geometry, int topK, Action<Parameter, int, Tensor>? permuteAlso = null)
    {
        int swaps = 0;
        double decrease = 0;
        for (int layer = 0; layer <= network.Depth; layer++)
        {
            var (order, layerSwaps, layerDecrease) = Relocate(network, geometry, layer, topK);
            if (layerSwaps == 0)
                continue;
            network.Permute(layer, order, permuteAlso);
            swaps += layerSwaps;
            decrease += layerDecrease;
        }
        return new SwapPassResult(swaps, decrease);
    }

    /// <summary>The new order of one layer's slots (new slot s takes the neuron of old slot order[s]), with the swaps made and the cost saved.</summary>
    public static (int[] Order, int Swaps, double CostDecrease) Relocate(BimtNetwork network, WiringGeometry geometry, int layer, int topK)
    {
        var (placement, importance) = PlacementCosts(network, geometry, layer);
        int n = network.Widths[layer];
        var neuronAt = Enumerable.Range(0, n).ToArray();
        var slotOf = Enumerable.Range(0, n).ToArray();
        var important = Enumerable.Range(0, n).OrderByDescending(r => importance[r]).ThenBy(r => r).Take(topK);
        int swaps = 0;
        double decrease = 0;
        foreach (int a in important)
        {
            int j = slotOf[a], best = j;
            double bestDelta = 0;
            for (int k = 0; k < n; k++)
            {
                int b = neuronAt[k];
                double delta = placement[a, k] + placement[b, j] - placement[a, j] - placement[b, k];
                if (delta < bestDelta)
                    (best, bestDelta) = (k, delta);
            }
            if (best == j)
                continue;
            int other = neuronAt[best];
            (neuronAt[j], neuronAt[best]) = (other, a);
            (slotOf[a], slotOf[other]) = (best, j);
            swaps++;
            decrease -= bestDelta;
        }
        return (neuronAt, swaps, decrease);
    }

    /// <summary>
    /// P[r, s]: the position-dependent part of ℓ (see <see cref="WiringCost"/>) of the weights of the neuron now in
    /// slot r of <paramref name="layer"/>, were it in slot s; and each neuron's importance Σ|w_in| + Σ|w_out|.
    /// </summary>
    public static (double[,] Placement, double[] Importance) PlacementCosts(BimtNetwork network, WiringGeometry geometry, int layer)
    {
        if (layer < 0 || layer > network.Depth)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"neuron layers are 0…{network.Depth}");
        int n = network.Widths[layer];
        var placement = new double[n, n];
        var importance = new double[n];
        var weights = network.WeightArrays();
        if (layer > 0)
        {
            // Incoming: row r of W[layer − 1], whose columns sit at the previous layer's positions.
            var w = weights[layer - 1];
            int columns = network.FanIn(layer - 1), previous = network.Widths[layer - 1];
            double scale = geometry.HorizontalScale / ((double)n * columns);
            for (int r = 0; r < n; r++)
            for (int c = 0; c < columns; c++)
            {
                double magnitude = Math.Abs(w[r * columns + c]);
                importance[r] += magnitude;
                double xc = WiringGeometry.Position(c % previous, previous);
                for (int s = 0; s < n; s++)
                    placement[r, s] += scale * magnitude * Math.Abs(WiringGeometry.Position(s, n) - xc);
            }
        }
        if (layer < network.Depth)
        {
            // Outgoing: column r of W[layer] in every fold, whose rows sit at the next layer's positions.
            var w = weights[layer];
            int columns = network.FanIn(layer), next = network.Widths[layer + 1];
            double scale = geometry.HorizontalScale / ((double)next * columns);
            for (int o = 0; o < next; o++)
            {
                double xo = WiringGeometry.Position(o, next);
                for (int c = 0; c < columns; c++)
                {
                    int r = c % n;
                    double magnitude = Math.Abs(w[o * columns + c]);
                    importance[r] += magnitude;
                    for (int s = 0; s < n; s++)
                        placement[r, s] += scale * magnitude * Math.Abs(xo - WiringGeometry.Position(s, n));
                }
            }
        }
        return (placement, importance);
    }
}
