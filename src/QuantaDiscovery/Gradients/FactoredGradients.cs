using QuantaDiscovery.Models;
using static TorchSharp.torch;

namespace QuantaDiscovery.Gradients;

/// <summary>
/// Per-token gradients projected by a <see cref="FactoredProjection"/> without forming any linear layer's weight
/// gradient: one forward pass per document records every kept linear layer's input x and output y (the model's linear observer), and
/// projects the inputs once, X P_inᵀ [T, k_in]; each target's backward pass is taken with respect to the layers' outputs
/// (δ = ∂ℓ_j/∂y, [T, outputs]) and the rest's parameters only, and the layer's block is (δ P_outᵀ)ᵀ (X P_inᵀ), its bias
/// part the column sums of δ P_outᵀ.
/// </summary>
public sealed class FactoredGradients : IDisposable
{
    private readonly TokenGradients _gradients;
    private readonly CausalLanguageModel _model;
    private readonly Dictionary<string, int> _slots;
    private readonly (Tensor Input, Tensor Output)?[] _captured;
    private readonly Tensor[] _restParameters;
    private readonly int[] _offsets;

    public FactoredProjection Projection { get; }
    public TokenGradients Gradients => _gradients;

    /// <summary>
    /// The kept linear layers are those the model's forward runs exactly once through a linear op with a weight that is
    /// not an embedding (a tied unembedding is also used by the embedding lookup, so its gradient has a second part the
    /// factors do not see: it is projected directly with the rest), found by one forward pass over two tokens.
    /// </summary>
    public FactoredGradients(CausalLanguageModel model, ParameterFilter filter, int budget, ulong seed)
    {
        _model = model;
        _gradients = new TokenGradients(model, filter);
        var roles = model.Family.Parameters(model.Config).ToDictionary(p => p.Name, p => p.Role);
        var calls = new Dictionary<string, int>();
        model.LinearObserver = (weight, _, _) => calls[weight] = calls.GetValueOrDefault(weight) + 1;
        using (no_grad())
        using (var probe = tensor(new long[] { 0, 0 }, [1, 2]))
        using (var scope = NewDisposeScope())
            model.forward(probe, null);
        model.LinearObserver = null;
        var linear = calls.Where(c => c.Value == 1 && c.Key.EndsWith(".weight", StringComparison.Ordinal) && roles[c.Key] != ParameterRole.Embedding)
            .Select(c => c.Key[..^".weight".Length]);
        Projection = new FactoredProjection(_gradients.Parameters, linear, budget, seed);
        _slots = Projection.Layers.Select((l, i) => (l.WeightName, i)).ToDictionary(p => p.WeightName, p => p.i);
        _captured = new (Tensor, Tensor)?[Projection.Layers.Count];
        var named = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        _restParameters = [.. Projection.Rest.Select(p => named[p.Name])];
        _offsets = [.. Enumerable.Range(0, Projection.Layers.Count).Select(Projection.Offset)];
    }

    public int OutputDimension => Projection.OutputDimension;

    /// <summary>
    /// The projected gradients of ℓ_j for every j in <paramref name="positions"/>, from one forward pass;
    /// <paramref name="onRow"/> gets the index into <paramref name="positions"/> and the row (valid only during the call).
    /// </summary>
    public void ForDocument(ReadOnlySpan<int> tokens, IReadOnlyList<int> positions, Action<int, ReadOnlySpan<float>> onRow)
    {
        if (positions.Count == 0) return;
        using var scope = NewDisposeScope();
        Array.Clear(_captured);
        _model.LinearObserver = (weight, input, output) =>
        {
            if (!_slots.TryGetValue(weight, out int slot)) return;
            if (_captured[slot] is not null)
                throw new InvalidOperationException($"linear layer {weight} ran twice in one forward pass");
            _captured[slot] = (input, output);
        };
        Tensor losses;
        try
        {
            losses = _gradients.TargetLosses(tokens, positions);
        }
        finally
        {
            _model.LinearObserver = null;
        }
        var layers = Projection.Layers;
        var projectedInputs = new Tensor[layers.Count];
        var outputs = new Tensor[layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            var (input, output) = _captured[l] ?? throw new InvalidOperationException($"linear layer {layers[l].Name} did not run");
            projectedInputs[l] = input.detach().reshape(-1, layers[l].Inputs).mm(Projection.InputMatrix(l).t());
            outputs[l] = output;
        }
        Array.Clear(_captured);
        Tensor[] differentiated = [.. outputs, .. _restParameters];
        var row = new float[OutputDimension];
        for (int t = 0; t < positions.Count; t++)
        {
            using var inner = NewDisposeScope();
            var gradients = _gradients.Differentiate(losses[t], differentiated, retainGraph: t < positions.Count - 1);
            for (int l = 0; l < layers.Count; l++)
            {
                var layer = layers[l];
                var projectedOutput = gradients[l].reshape(-1, layer.Outputs).mm(Projection.OutputMatrix(l).t());
                int offset = _offsets[l];
                TokenGradients.Values(projectedOutput.t().mm(projectedInputs[l]).contiguous()).CopyTo(row.AsSpan(offset));
                if (layer.Bias)
                    TokenGradients.Values(projectedOutput.sum(0L, keepdim: false).contiguous()).CopyTo(row.AsSpan(offset + layer.OutputRank * layer.InputRank));
            }
            Projection.ProjectRest([.. gradients.Skip(layers.Count)], row);
            onRow(t, row);
        }
    }

    public void Dispose() => Projection.Dispose();
}
