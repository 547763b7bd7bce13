using static TorchSharp.torch;

namespace QuantaDiscovery.Gradients;

/// <summary>One linear layer y = W x + b (W: [outputs, inputs]) of a <see cref="FactoredProjection"/> and its two ranks.</summary>
/// <param name="Name">the layer's HF module name (its weight is Name + ".weight")</param>
/// <param name="Bias">whether the layer's bias is among the projected parameters</param>
/// <param name="InputRank">k_in, the rows of P_in ∈ ℝ^{k_in × inputs}</param>
/// <param name="OutputRank">k_out, the rows of P_out ∈ ℝ^{k_out × outputs}</param>
public sealed record FactoredLayer(string Name, int Inputs, int Outputs, bool Bias, int InputRank, int OutputRank)
{
    public string WeightName => Name + ".weight";
    public string BiasName => Name + ".bias";

    /// <summary>Columns this layer fills: k_out·k_in for P_out ∇W P_inᵀ, plus k_out for P_out ∇b.</summary>
    public int Columns => OutputRank * InputRank + (Bias ? OutputRank : 0);
}

/// <summary>
/// A LoGra-style factored random projection of a per-token gradient (Choe et al. 2024, "What is your data worth to
/// GPT? LLM-scale data valuation with influence functions", §3): the gradient of a linear layer's weight for one loss
/// is ∇W = Σ_t δ_t x_tᵀ (δ_t the loss's gradient at the layer's output at position t, x_t its input there), and the
/// Kronecker-factored projection (P_out ⊗ P_in) vec(∇W) = P_out ∇W P_inᵀ = Σ_t (P_out δ_t)(P_in x_t)ᵀ can be formed from
/// the projected factors alone, never ∇W. P_in and P_out are dense Rademacher matrices with entries ±1/√k (k their
/// rows), so P_out ⊗ P_in has entries ±1/√(k_out·k_in) and preserves inner products in expectation like any
/// Johnson–Lindenstrauss map.
/// </summary>
/// <remarks>
/// Layout of a projected row: for each kept linear layer in parameter order, P_out ∇W P_inᵀ as k_out × k_in row-major,
/// then P_out ∇b (k_out values, reusing the layer's P_out: ∇b = Σ_t δ_t, so P_out ∇b = Σ_t P_out δ_t) when the bias
/// is kept; then the parameters that are not weights or biases of a linear layer (layer norms, embeddings, a bias whose
/// weight is left out): their exact gradients concatenated and projected directly by a <see cref="SparseRandomProjection"/>
/// with k_rest columns, or copied as they are when k_rest reaches their size.
/// <para>Ranks from one budget B: k_rest = min(d_rest, max(16, round(B·d_rest/d))); the remaining B − k_rest is shared among
/// the linear layers in proportion to their weight's size, and within a layer the two ranks are equal where the sides
/// allow: k_in = round(√share), k_out = ⌊share / (k_in + bias)⌋, each at least 1 and at most its side. (For a gradient
/// close to rank one, a x bᵀ, the projected norm is ‖P_out a‖²‖P_in b‖², whose relative variance is about 2/k_out + 2/k_in
/// rather than 2/(k_out·k_in): for a fixed product it is smallest with equal ranks, and it is why a factored projection
/// of B columns preserves cosines less well than a flat one of B columns — it buys not having to form ∇W.) The row length is their sum, at most B (small layers can round it up by a few columns).</para>
/// The same (parameters, layers, budget, seed) always give the same matrices, on any machine (SplitMix64 per matrix).
/// </remarks>
public sealed class FactoredProjection : IDisposable
{
    private const int MinimumRestColumns = 16;

    private readonly Tensor[] _inputMatrices;
    private readonly Tensor[] _outputMatrices;

    public IReadOnlyList<FactoredLayer> Layers { get; }

    /// <summary>The parameters projected directly (not a kept linear layer's weight or bias), in parameter order.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> Rest { get; }

    /// <summary>Their projection; null when there are none or when they are copied exactly (k_rest = d_rest).</summary>
    public SparseRandomProjection? RestProjection { get; }

    public int RestColumns { get; }
    public int Budget { get; }
    public ulong Seed { get; }

    /// <summary>The length of a projected row.</summary>
    public int OutputDimension { get; }

    /// <param name="parameters">the gradient's parameters in order (as <see cref="TokenGradients.Parameters"/>)</param>
    /// <param name="linearLayers">names of the model's linear modules; a layer is kept when its weight is among the parameters</param>
    public FactoredProjection(IReadOnlyList<(string Name, long[] Shape)> parameters, IEnumerable<string> linearLayers, int budget, ulong seed)
    {
        var byName = parameters.Select((p, i) => (p.Name, p.Shape, Index: i)).ToDictionary(p => p.Name);
        var kept = linearLayers.Where(l => byName.TryGetValue(l + ".weight", out var w) && w.Shape.Length == 2)
            .OrderBy(l => byName[l + ".weight"].Index).ToList();
        var covered = new HashSet<string>();
        foreach (var layer in kept)
        {
            covered.Add(layer + ".weight");
            if (byName.ContainsKey(layer + ".bias")) covered.Add(layer + ".bias");
        }
        Rest = [.. parameters.Where(p => !covered.Contains(p.Name))];
        long restSize = Rest.Sum(p => Size(p.Shape));
        long dimension = parameters.Sum(p => Size(p.Shape));
        int minimum = 2 * kept.Count + (restSize > 0 ? 1 : 0);
        if (budget < Math.Max(1, minimum))
            throw new ArgumentOutOfRangeException(nameof(budget), budget, $"a factored projection of {kept.Count} linear layers needs a budget of at least {minimum}");
        (Budget, Seed) = (budget, seed);

        RestColumns = restSize == 0 ? 0
            : (int)Math.Min(restSize, Math.Min(budget - 2L * kept.Count, Math.Max(MinimumRestColumns, (long)Math.Round((double)budget * restSize / dimension))));
        if (RestColumns > 0 && RestColumns < restSize)
            RestProjection = new SparseRandomProjection([.. Rest.Select(p => Size(p.Shape))], RestColumns, SplitMix64.Mix(seed ^ 0x5EED_0000_0000_0001UL));

        long weights = kept.Sum(l => Size(byName[l + ".weight"].Shape));
        int linearBudget = budget - RestColumns;
        var layers = new List<FactoredLayer>();
        foreach (var name in kept)
        {
            var shape = byName[name + ".weight"].Shape;
            int outputs = checked((int)shape[0]), inputs = checked((int)shape[1]);
            bool bias = covered.Contains(name + ".bias");
            double share = (double)linearBudget * inputs * outputs / weights;
            int inputRank = (int)Math.Clamp(Math.Round(Math.Sqrt(share)), 1, inputs);
            int outputRank = (int)Math.Clamp(Math.Floor(share / (inputRank + (bias ? 1 : 0))), 1, outputs);
            layers.Add(new FactoredLayer(name, inputs, outputs, bias, inputRank, outputRank));
        }
        Layers = layers;
        OutputDimension = layers.Sum(l => l.Columns) + RestColumns;
        _inputMatrices = new Tensor[layers.Count];
        _outputMatrices = new Tensor[layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            _inputMatrices[l] = Rademacher(layers[l].InputRank, layers[l].Inputs, SplitMix64.Mix(seed ^ SplitMix64.Mix(2UL * (ulong)l + 1)));
            _outputMatrices[l] = Rademacher(layers[l].OutputRank, layers[l].Outputs, SplitMix64.Mix(seed ^ SplitMix64.Mix(2UL * (ulong)l + 2)));
        }
    }

    /// <summary>P_in of layer <paramref name="layer"/>, float32 [k_in, inputs].</summary>
    public Tensor InputMatrix(int layer) => _inputMatrices[layer];

    /// <summary>P_out of layer <paramref name="layer"/>, float32 [k_out, outputs].</summary>
    public Tensor OutputMatrix(int layer) => _outputMatrices[layer];

    /// <summary>Where layer <paramref name="layer"/>'s columns start in a projected row.</summary>
    public int Offset(int layer) => Layers.Take(layer).Sum(l => l.Columns);

    /// <summary>Where the directly projected parameters' columns start.</summary>
    public int RestOffset => OutputDimension - RestColumns;

    /// <summary>
    /// Writes the rest's part of a row: <paramref name="restGradients"/> are the exact gradients of <see cref="Rest"/>, in order.
    /// </summary>
    public void ProjectRest(IReadOnlyList<Tensor> restGradients, Span<float> row)
    {
        if (RestColumns == 0) return;
        var output = row.Slice(RestOffset, RestColumns);
        if (RestProjection is null)
        {
            int offset = 0;
            foreach (var block in restGradients)
            {
                var values = TokenGradients.Values(block);
                values.CopyTo(output[offset..]);
                offset += values.Length;
            }
            return;
        }
        output.Clear();
        for (int b = 0; b < restGradients.Count; b++)
            RestProjection.Accumulate(b, TokenGradients.Values(restGradients[b]), output);
    }

    /// <summary>
    /// The explicit route, for checking: (P_out ⊗ P_in) applied to each kept layer's exact weight gradient, P_out to its
    /// bias gradient and the rest's projection, from a full exact gradient given as one tensor per parameter of
    /// <paramref name="parameters"/> (the list this projection was built from).
    /// </summary>
    public float[] ProjectExact(IReadOnlyList<(string Name, long[] Shape)> parameters, IReadOnlyList<Tensor> gradients)
    {
        var index = parameters.Select((p, i) => (p.Name, i)).ToDictionary(p => p.Name, p => p.i);
        var row = new float[OutputDimension];
        using var scope = NewDisposeScope();
        for (int l = 0; l < Layers.Count; l++)
        {
            var layer = Layers[l];
            var weight = gradients[index[layer.WeightName]].reshape(layer.Outputs, layer.Inputs);
            var projected = _outputMatrices[l].mm(weight).mm(_inputMatrices[l].t()).contiguous();
            TokenGradients.Values(projected).CopyTo(row.AsSpan(Offset(l)));
            if (layer.Bias)
            {
                var bias = _outputMatrices[l].mv(gradients[index[layer.BiasName]].reshape(layer.Outputs)).contiguous();
                TokenGradients.Values(bias).CopyTo(row.AsSpan(Offset(l) + layer.OutputRank * layer.InputRank));
            }
        }
        ProjectRest([.. Rest.Select(p => gradients[index[p.Name]])], row);
        return row;
    }

    /// <summary>A summary for gradients.json.</summary>
    public object Describe() => new
    {
        budget = Budget,
        columns = OutputDimension,
        layers = Layers.Select(l => new { name = l.Name, inputs = l.Inputs, outputs = l.Outputs, bias = l.Bias, k_in = l.InputRank, k_out = l.OutputRank }).ToArray(),
        rest = Rest.Select(p => p.Name).ToArray(),
        rest_columns = RestColumns,
        rest_projection = RestColumns == 0 ? "none" : RestProjection is null ? "exact" : "sparse_random",
    };

    public void Dispose()
    {
        foreach (var m in _inputMatrices) m.Dispose();
        foreach (var m in _outputMatrices) m.Dispose();
    }

    private static long Size(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>A [rows, columns] matrix of i.i.d. ±1/√rows.</summary>
    private static Tensor Rademacher(int rows, int columns, ulong seed)
    {
        var random = new SplitMix64(seed);
        float scale = (float)(1 / Math.Sqrt(rows));
        var values = new float[(long)rows * columns];
        for (long i = 0; i < values.Length; i++) values[i] = random.NextBit() ? scale : -scale;
        return tensor(values, [rows, columns]);
    }
}
