namespace QuantaDiscovery.Models;

/// <summary>
/// The operations a family's forward pass is written in, over values of type <typeparamref name="T"/>: TorchSharp
/// tensors (<see cref="TorchTensorOps"/>, the differentiable module) or ONNX value names
/// (<see cref="Onnx.OnnxTensorOps"/>, the exported graph). Parameters are named by their Hugging Face names.
/// Shapes: B batch, T sequence; input_ids [B, T]; attention is causal, and padding keys (attention_mask 0) are masked.
/// </summary>
public interface ITensorOps<T>
{
    /// <summary>Token ids, int64 [B, T].</summary>
    T InputIds { get; }

    /// <summary>Rows of the embedding matrix <paramref name="weight"/> [V, H] for <paramref name="ids"/>: [B, T, H].</summary>
    T Embedding(string weight, T ids);

    /// <summary>x·Wᵀ (+ b) for W [out, in] stored under <paramref name="weight"/>.</summary>
    T Linear(T x, string weight, string? bias = null);

    /// <summary>Layer normalisation over the last axis (Ba et al. 2016).</summary>
    T LayerNorm(T x, string weight, string bias, double epsilon);

    /// <summary>RMS normalisation over the last axis (Zhang &amp; Sennrich 2019), as HF's LlamaRMSNorm: w · x / √(mean(x²) + ε).</summary>
    T RmsNorm(T x, string weight, double epsilon);

    T Add(T a, T b);
    T Mul(T a, T b);

    /// <summary>An HF ACT2FN activation: gelu, gelu_new, gelu_fast, relu or silu.</summary>
    T Activation(T x, string name);

    /// <summary>[B, T, heads·size] → [B, heads, T, size].</summary>
    T SplitHeads(T x, int heads, int size);

    /// <summary>The slice [start, start + length) of the last axis.</summary>
    T Narrow(T x, int start, int length);

    /// <summary>
    /// Rotary position embedding (Su et al. 2021, "RoFormer") on the first <paramref name="dims"/> of the last axis of
    /// x [B, heads, T, <paramref name="size"/>], HF's layout: x·cos + rotate_half(x)·sin with rotate_half([a, b]) = [−b, a] and angle[t, i]
    /// = t · θ^(−2i/dims) for i &lt; dims/2, repeated for the second half; the remaining dims pass through.
    /// </summary>
    T Rotary(T x, int size, int dims, double theta);

    /// <summary>
    /// softmax(q·kᵀ/√size + causal and padding mask)·v in float32, q [B, heads, T, size], k and v [B, kvHeads, T, size]
    /// with query head h reading key/value head h / (heads / kvHeads) (grouped-query attention, HF's repeat_kv);
    /// returns the heads merged, [B, T, heads·size].
    /// </summary>
    T CausalAttention(T query, T key, T value, int heads, int keyValueHeads, int size);
}
