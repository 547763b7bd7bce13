namespace QuantaDiscovery.Toys.Bimt;

/// <summary>
/// The wiring of a <see cref="BimtNetwork"/> at one step, in slot order: what the neuron-graph frames draw and what
/// the connection counts and automatic knockout groups are computed from.
/// </summary>
/// <param name="Weights">per weight layer i, row-major [n_{i+1} × fold_i·n_i]</param>
/// <param name="InputOrder">input slot s holds embedding dimension InputOrder[s]</param>
/// <param name="OutputOrder">output slot s holds class OutputOrder[s]</param>
public sealed record NetworkSnapshot(int Step, IReadOnlyList<int> Widths, int InputFold, double[][] Weights, int[] InputOrder, int[] OutputOrder)
{
    public static NetworkSnapshot Of(BimtNetwork network, int step) =>
        new(step, [.. network.Widths], network.InputFold, network.WeightArrays(), [.. network.InputOrder], [.. network.OutputOrder]);

    public int Depth => Weights.Length;

    public int FanIn(int layer) => (layer == 0 ? InputFold : 1) * Widths[layer];

    /// <summary>The largest |w| of weight layer <paramref name="layer"/>.</summary>
    public double MaxMagnitude(int layer) => Weights[layer].Length == 0 ? 0 : Weights[layer].Max(Math.Abs);

    /// <summary>Whether weight (row, column) of a layer counts as a connection: |w| &gt; threshold·max|w| of that layer.</summary>
    public bool IsConnection(int layer, int index, double relativeThreshold) =>
        Math.Abs(Weights[layer][index]) > relativeThreshold * MaxMagnitude(layer);

    /// <summary>Per weight layer, the number of weights with |w| &gt; <paramref name="relativeThreshold"/>·max|w| of the layer.</summary>
    public int[] ConnectionCounts(double relativeThreshold) => Enumerable.Range(0, Depth).Select(i =>
    {
        double cut = relativeThreshold * MaxMagnitude(i);
        return Weights[i].Count(w => Math.Abs(w) > cut);
    }).ToArray();

    /// <summary>
    /// Connected components of the graph of connections among neuron layers 0…L−1 (the weights into the output layer
    /// are left out: every module of a modular-arithmetic net feeds the same output classes). Each component is a
    /// map layer → slots; neurons without any connection come back as singletons.
    /// </summary>
    public List<Dictionary<int, int[]>> Components(double relativeThreshold)
    {
        var offsets = new int[Depth];
        for (int i = 1; i < Depth; i++)
            offsets[i] = offsets[i - 1] + Widths[i - 1];
        int nodes = offsets[^1] + Widths[Depth - 1];
        var parent = Enumerable.Range(0, nodes).ToArray();
        int Find(int v) => parent[v] == v ? v : parent[v] = Find(parent[v]);
        for (int i = 0; i < Depth - 1; i++)
        {
            int columns = FanIn(i), inputs = Widths[i];
            for (int r = 0; r < Widths[i + 1]; r++)
            for (int c = 0; c < columns; c++)
                if (IsConnection(i, r * columns + c, relativeThreshold))
                    parent[Find(offsets[i + 1] + r)] = Find(offsets[i] + c % inputs);
        }
        return Enumerable.Range(0, nodes)
            .GroupBy(Find)
            .Select(g => g.GroupBy(v => Array.FindLastIndex(offsets, o => o <= v))
                .ToDictionary(l => l.Key, l => l.Select(v => v - offsets[l.Key]).Order().ToArray()))
            .ToList();
    }
}
