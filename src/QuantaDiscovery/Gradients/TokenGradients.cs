using QuantaDiscovery.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace QuantaDiscovery.Gradients;

/// <summary>
/// Gradients of single-token losses ℓ_j = −ln p(x_j | x_&lt;j) with respect to a chosen set of parameters
/// (Michaud et al. 2023, §5), each computed exactly once. Targets of one document share one forward pass: the
/// prefix x_0 … x_{m−1} up to the last target m is run once, and each target's loss is differentiated by its own
/// <c>torch.autograd.grad</c> call with the graph retained. With a causal model, ℓ_j computed inside the longer
/// prefix equals ℓ_j on x_&lt;j alone. Backward passes = tokens; forward passes = documents.
/// </summary>
public sealed class TokenGradients
{
    private readonly CausalLanguageModel _model;
    private readonly Parameter[] _parameters;

    /// <summary>The included parameters in HF order; a gradient is their flattened gradients concatenated.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> Parameters { get; }

    /// <summary>d, the length of one gradient.</summary>
    public long Dimension { get; }

    public ParameterFilter Filter { get; }
    public long ForwardPasses { get; private set; }
    public long BackwardPasses { get; private set; }

    public TokenGradients(CausalLanguageModel model, ParameterFilter filter)
    {
        _model = model;
        Filter = filter;
        var named = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Parameters = filter.Select(model.Config);
        if (Parameters.Count == 0) throw new ArgumentException($"parameter filter '{filter.Name}' matches no parameter", nameof(filter));
        _parameters = [.. Parameters.Select(p => named[p.Name])];
        Dimension = Parameters.Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));
    }

    /// <summary>Sizes of the parameter blocks of a gradient, in order.</summary>
    public IReadOnlyList<long> BlockSizes => [.. Parameters.Select(p => p.Shape.Aggregate(1L, (a, b) => a * b))];

    /// <summary>
    /// The gradients of ℓ_j for every j in <paramref name="positions"/> (1 ≤ j &lt; tokens.Length), from one forward
    /// pass over tokens[..max j]. <paramref name="onGradient"/> gets the index into <paramref name="positions"/> and one
    /// gradient tensor per parameter (valid only during the call).
    /// </summary>
    public void ForDocument(ReadOnlySpan<int> tokens, IReadOnlyList<int> positions, Action<int, IReadOnlyList<Tensor>> onGradient)
    {
        if (positions.Count == 0) return;
        using var scope = NewDisposeScope();
        var losses = TargetLosses(tokens, positions);
        for (int t = 0; t < positions.Count; t++)
        {
            using var inner = NewDisposeScope();
            var gradients = Differentiate(losses[t], _parameters, retainGraph: t < positions.Count - 1);
            onGradient(t, gradients);
        }
    }

    /// <summary>
    /// ℓ_j for every j in <paramref name="positions"/> (1 ≤ j &lt; tokens.Length), float32 [targets], from one forward pass
    /// over tokens[..max j], with its graph; the tensors belong to the caller's dispose scope.
    /// </summary>
    internal Tensor TargetLosses(ReadOnlySpan<int> tokens, IReadOnlyList<int> positions)
    {
        foreach (var j in positions)
            if (j < 1 || j >= tokens.Length)
                throw new ArgumentOutOfRangeException(nameof(positions), j, $"a target must be in 1 … {tokens.Length - 1}");
        int length = positions.Max();
        using var input = PrefixTensor(tokens, length);
        // The trunk and the head are called apart so that only the targets' rows of the hidden states go through
        // the unembedding, not all [T, vocab] logits.
        var hidden = _model.Hidden(input, null)[0];
        var rows = hidden.index_select(0, tensor(positions.Select(j => (long)j - 1).ToArray()));
        var targetIds = new long[positions.Count];
        for (int t = 0; t < targetIds.Length; t++) targetIds[t] = tokens[positions[t]];
        var targets = tensor(targetIds);
        var losses = functional.cross_entropy(_model.Logits(rows), targets, reduction: Reduction.None);
        ForwardPasses++;
        return losses;
    }

    /// <summary>One backward pass: the gradient of <paramref name="loss"/> with respect to each of <paramref name="inputs"/>.</summary>
    internal IReadOnlyList<Tensor> Differentiate(Tensor loss, IReadOnlyList<Tensor> inputs, bool retainGraph)
    {
        var gradients = autograd.grad([loss], [.. inputs], retain_graph: retainGraph);
        BackwardPasses++;
        return [.. gradients];
    }

    /// <summary>
    /// The gradient of ℓ_j alone, by the paper's route: a fresh forward of the full model over x_&lt;j+1 and one backward.
    /// An independent check on <see cref="ForDocument"/>.
    /// </summary>
    public float[] ForToken(ReadOnlySpan<int> tokens, int position)
    {
        if (position < 1 || position >= tokens.Length)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"must be in 1 … {tokens.Length - 1}");
        using var scope = NewDisposeScope();
        using var input = PrefixTensor(tokens, position + 1);
        var loss = _model.TokenLosses(input)[0, position - 1];
        ForwardPasses++;
        var gradients = Differentiate(loss, _parameters, retainGraph: false);
        var flat = new float[Dimension];
        CopyTo(gradients, flat);
        return flat;
    }

    /// <summary>Concatenates flattened gradient blocks into <paramref name="destination"/> (length d).</summary>
    public static void CopyTo(IReadOnlyList<Tensor> blocks, Span<float> destination)
    {
        long offset = 0;
        foreach (var block in blocks)
        {
            var values = Values(block);
            values.CopyTo(destination.Slice((int)offset, values.Length));
            offset += values.Length;
        }
        if (offset != destination.Length) throw new ArgumentException($"blocks hold {offset} values, destination {destination.Length}");
    }

    /// <summary>The float32 values of a CPU tensor, without copying where it is already contiguous.</summary>
    public static ReadOnlySpan<float> Values(Tensor block)
    {
        if (block.dtype != ScalarType.Float32 || block.device_type != DeviceType.CPU)
            throw new ArgumentException("expected a float32 CPU tensor", nameof(block));
        var contiguous = block.is_contiguous() ? block : block.contiguous();
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(contiguous.bytes);
    }

    private static Tensor PrefixTensor(ReadOnlySpan<int> tokens, int length)
    {
        var ids = new long[length];
        for (int i = 0; i < length; i++) ids[i] = tokens[i];
        return tensor(ids, [1, length]);
    }
}
