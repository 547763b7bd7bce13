using QuantaDiscovery.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantaDiscovery.Gradients;

/// <summary>
/// Per-token gradients projected by a <see cref="FactoredProjection"/> without forming any linear layer's weight
/// gradient: one forward pass per document records every kept linear layer's input x and output y (forward hooks), and
/// projects the inputs once, X P_inᵀ [T, k_in]; each target's backward pass is taken with respect to the layers' outputs
/// (δ = ∂ℓ_j/∂y, [T, outputs]) and the rest's parameters only, and the layer's block is (δ P_outᵀ)ᵀ (X P_inᵀ), its bias
/// part the column sums of δ P_outᵀ.
/// </summary>
public sealed class FactoredGradients : IDisposable
{
    private readonly TokenGradients _gradients;
    private readonly Linear[] _layers;
    private readonly (Tensor Input, Tensor Output)?[] _captured;
    private readonly List<Action> _removeHooks = [];
    private readonly int[] _offsets;
    private readonly Tensor[] _restParameters;

    public FactoredProjection Projection { get; }
    public TokenGradients Gradients => _gradients;

    public FactoredGradients(GptNeoXModel model, ParameterFilter filter, int budget, ulong seed)
    {
        _gradients = new TokenGradients(model, filter);
        var linear = model.named_modules().Where(m => m.module is Linear).ToDictionary(m => m.name, m => (Linear)m.module);
        Projection = new FactoredProjection(_gradients.Parameters, linear.Keys, budget, seed);
        _layers = [.. Projection.Layers.Select(l => linear[l.Name])];
        _captured = new (Tensor, Tensor)?[_layers.Length];
        for (int l = 0; l < _layers.Length; l++)
        {
            int slot = l;
            var hook = _layers[l].register_forward_hook((_, input, output) =>
            {
                if (_captured[slot] is not null)
                    throw new InvalidOperationException($"linear layer {Projection.Layers[slot].Name} ran twice in one forward pass");
                _captured[slot] = (input, output);
                return output;
            });
            _removeHooks.Add(hook.remove);
        }
        var named = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        _restParameters = [.. Projection.Rest.Select(p => named[p.Name])];
        _offsets = [.. Enumerable.Range(0, _layers.Length).Select(Projection.Offset)];
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
        var losses = _gradients.TargetLosses(tokens, positions);
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

    public void Dispose()
    {
        foreach (var remove in _removeHooks) remove();
        Projection.Dispose();
    }
}
