using QuantaDiscovery.Common;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace QuantaDiscovery.Models;

/// <summary>
/// <see cref="ITensorOps{T}"/> over TorchSharp tensors: the differentiable forward of a <see cref="CausalLanguageModel"/>.
/// One instance serves one forward pass (it caches the mask and rotary tables of that input's length).
/// </summary>
/// <param name="linearObserver">called after every linear layer with its weight's name, its input and its output (the
/// factored gradient projection reads them); null: nothing is observed</param>
public sealed class TorchTensorOps(IReadOnlyDictionary<string, Parameter> parameters, Tensor? inputIds, Tensor? attentionMask,
    Action<string, Tensor, Tensor>? linearObserver = null)
    : ITensorOps<Tensor>
{
    private Tensor? _allowed;
    private readonly Dictionary<(int, double), (Tensor Cos, Tensor Sin)> _rotaryTables = [];

    public Tensor InputIds => inputIds ?? throw new InvalidOperationException("these ops were made without input ids");

    private Parameter P(string name) => parameters[name];

    public Tensor Embedding(string weight, Tensor ids) =>
        P(weight).index_select(0, ids.reshape(-1)).reshape(ids.shape[0], ids.shape[1], -1);

    public Tensor Linear(Tensor x, string weight, string? bias = null)
    {
        var y = functional.linear(x, P(weight), bias is null ? null : P(bias));
        linearObserver?.Invoke(weight, x, y);
        return y;
    }

    public Tensor LayerNorm(Tensor x, string weight, string bias, double epsilon) =>
        functional.layer_norm(x, [x.shape[^1]], P(weight), P(bias), epsilon);

    public Tensor RmsNorm(Tensor x, string weight, double epsilon)
    {
        var input = x.to(ScalarType.Float32);
        var normalised = input * input.pow(2).mean([-1], keepdim: true).add(epsilon).rsqrt();
        return P(weight) * normalised.to(x.dtype);
    }

    public Tensor Add(Tensor a, Tensor b) => a + b;

    public Tensor Mul(Tensor a, Tensor b) => a * b;

    public Tensor Activation(Tensor x, string name) => name switch
    {
        "gelu" => functional.gelu(x),
        // Tanh approximation of GELU (Hendrycks & Gimpel 2016), HF's NewGELUActivation / FastGELUActivation.
        "gelu_new" or "gelu_fast" => 0.5 * x * (1.0 + tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x.pow(3)))),
        "relu" => functional.relu(x),
        "silu" => functional.silu(x),
        _ => throw new InputException($"hidden_act '{name}' is not supported"),
    };

    public Tensor SplitHeads(Tensor x, int heads, int size) => x.view(x.shape[0], x.shape[1], heads, size).permute(0, 2, 1, 3);

    public Tensor Narrow(Tensor x, int start, int length) => x.narrow(-1, start, length);

    public Tensor Rotary(Tensor x, int size, int dims, double theta)
    {
        if (dims == 0) return x;
        var (cos, sin) = RotaryTables(x.shape[^2], dims, theta, x.device);
        var rotary = x.narrow(-1, 0, dims);
        var half = dims / 2;
        var rotatedHalf = cat([rotary.narrow(-1, half, half).neg(), rotary.narrow(-1, 0, half)], -1);
        var embedded = rotary * cos + rotatedHalf * sin;
        return dims == size ? embedded : cat([embedded, x.narrow(-1, dims, size - dims)], -1);
    }

    /// <summary>(cos, sin) of t · inv_freq for t = 0..T−1, [T, dims], inv_freq[i] = θ^(−2i/dims) in float32 as HF computes it.</summary>
    private (Tensor Cos, Tensor Sin) RotaryTables(long length, int dims, double theta, Device device)
    {
        if (_rotaryTables.TryGetValue((dims, theta), out var tables)) return tables;
        var invFreq = 1.0f / pow(theta, arange(0, dims, 2, ScalarType.Int64, device).to(ScalarType.Float32) / dims);
        var freqs = outer(arange(length, ScalarType.Int64, device).to(ScalarType.Float32), invFreq);
        var angles = cat([freqs, freqs], -1);
        tables = (angles.cos(), angles.sin());
        _rotaryTables[(dims, theta)] = tables;
        return tables;
    }

    public Tensor CausalAttention(Tensor query, Tensor key, Tensor value, int heads, int keyValueHeads, int size)
    {
        long batch = query.shape[0], length = query.shape[2];
        if (keyValueHeads != heads)
        {
            key = key.repeat_interleave(heads / keyValueHeads, dim: 1);
            value = value.repeat_interleave(heads / keyValueHeads, dim: 1);
        }
        var scores = matmul(query, key.transpose(-1, -2)).mul(Math.Pow(size, -0.5)).to(ScalarType.Float32);
        scores = scores.masked_fill(Allowed(length, query.device).logical_not(), float.MinValue);
        var probabilities = scores.softmax(-1).to(value.dtype);
        return matmul(probabilities, value).permute(0, 2, 1, 3).reshape(batch, length, heads * size);
    }

    /// <summary>Query i may attend to key j when j ≤ i and key j is not padding: [batch or 1, 1, T, T].</summary>
    private Tensor Allowed(long length, Device device)
    {
        if (_allowed is not null) return _allowed;
        var allowed = ones(length, length, ScalarType.Bool, device).tril().view(1, 1, length, length);
        if (attentionMask is not null)
            allowed = allowed.logical_and(attentionMask.to(ScalarType.Bool).view(attentionMask.shape[0], 1, 1, length));
        return _allowed = allowed;
    }
}
