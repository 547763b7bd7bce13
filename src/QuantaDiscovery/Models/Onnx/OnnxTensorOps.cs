using System.Globalization;
using static QuantaDiscovery.Models.Onnx.OnnxGraphBuilder;
using DataType = QuantaDiscovery.Models.Onnx.TensorProto.Types.DataType;

namespace QuantaDiscovery.Models.Onnx;

/// <summary>
/// <see cref="ITensorOps{T}"/> over ONNX value names: each operation appends standard opset-17 nodes to the graph, so
/// a family's forward pass becomes the exported graph, node for node. Linear weights are stored transposed ([in, out],
/// named "&lt;HF name&gt;_transposed") so that each projection is a plain MatMul. Activations flow in
/// <paramref name="precision"/>; in half precision, RMSNorm's mean square, the attention softmax and the rotary tables
/// are computed in float32 and cast back (as Hugging Face's Llama and GPT-NeoX do in float16).
/// </summary>
internal sealed class OnnxTensorOps(OnnxGraphBuilder g, OnnxExporter.WeightStore w, OnnxPrecision precision) : ITensorOps<string>
{
    private bool Half => precision != OnnxPrecision.Float32;

    private string Constant(float value) => g.Scalar(value, precision);

    private string ToFloat32(string x) => Half ? g.Op("Cast", [x], Int("to", (long)DataType.Float)) : x;

    private string ToComputeType(string x) => Half ? g.Op("Cast", [x], Int("to", (long)precision.DataType())) : x;

    private string? _positions, _maskBias;
    private readonly Dictionary<(int, double), (string Cos, string Sin)> _rotaryTables = [];

    public string InputIds => "input_ids";

    public string Embedding(string weight, string ids) => g.Op("Gather", [w.Plain(weight), ids], Int("axis", 0));

    public string Linear(string x, string weight, string? bias = null)
    {
        var product = g.Op("MatMul", [x, w.Transposed(weight)]);
        return bias is null ? product : g.Op("Add", [product, w.Plain(bias)]);
    }

    public string LayerNorm(string x, string weight, string bias, double epsilon) =>
        g.Op("LayerNormalization", [x, w.Plain(weight), w.Plain(bias)], Int("axis", -1), Float("epsilon", (float)epsilon));

    public string RmsNorm(string x, string weight, double epsilon)
    {
        // Opset 17 has no RMSNormalization; ReduceMean takes its axes as an attribute until opset 18.
        x = ToFloat32(x);
        var meanSquare = g.Op("ReduceMean", [g.Op("Mul", [x, x])], Ints("axes", -1), Int("keepdims", 1));
        var normalised = g.Op("Div", [x, g.Op("Sqrt", [g.Op("Add", [meanSquare, g.FloatScalar((float)epsilon)])])]);
        return g.Op("Mul", [w.Plain(weight), ToComputeType(normalised)]);
    }

    public string Add(string a, string b) => g.Op("Add", [a, b]);

    public string Mul(string a, string b) => g.Op("Mul", [a, b]);

    public string Activation(string h, string name) => name switch
    {
        // 0.5·x·(1 + erf(x/√2))
        "gelu" => g.Op("Mul", [g.Op("Mul", [h, g.Op("Add", [g.Op("Erf", [g.Op("Mul", [h, Constant(1 / MathF.Sqrt(2))])]), Constant(1)])]), Constant(0.5f)]),
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
        "gelu_new" or "gelu_fast" => g.Op("Mul", [g.Op("Mul", [h, g.Op("Add", [g.Op("Tanh", [g.Op("Mul", [
            g.Op("Add", [h, g.Op("Mul", [g.Op("Mul", [g.Op("Mul", [h, h]), h]), Constant(0.044715f)])]),
            Constant(MathF.Sqrt(2 / MathF.PI))])]), Constant(1)])]), Constant(0.5f)]),
        "relu" => g.Op("Relu", [h]),
        // x·σ(x)
        "silu" => g.Op("Mul", [h, g.Op("Sigmoid", [h])]),
        _ => throw new InvalidOperationException($"hidden_act '{name}' passed validation but has no ONNX form"),
    };

    public string SplitHeads(string x, int heads, int size) =>
        g.Op("Transpose", [g.Op("Reshape", [x, g.Int64s(0, 0, heads, size)])], Ints("perm", 0, 2, 1, 3));

    public string Narrow(string x, int start, int length) =>
        g.Op("Slice", [x, g.Int64s(start), g.Int64s(start + length), g.Int64s(-1)]);

    public string Rotary(string x, int size, int dims, double theta)
    {
        if (dims == 0) return x;
        var (cos, sin) = RotaryTables(dims, theta);
        int half = dims / 2;
        var rotary = dims == size ? x : Narrow(x, 0, dims);
        var rotatedHalf = g.Op("Concat", [g.Op("Neg", [Narrow(rotary, half, half)]), Narrow(rotary, 0, half)], Int("axis", -1));
        var embedded = g.Op("Add", [g.Op("Mul", [rotary, cos]), g.Op("Mul", [rotatedHalf, sin])]);
        return dims == size ? embedded : g.Op("Concat", [embedded, Narrow(x, dims, size - dims)], Int("axis", -1));
    }

    public string CausalAttention(string query, string key, string value, int heads, int keyValueHeads, int size)
    {
        var maskBias = MaskBias;
        if (keyValueHeads != heads)
        {
            // Grouped queries as [B, kv heads, heads / kv heads, T, size] against keys and values [B, kv heads, 1, T, size].
            query = g.Op("Reshape", [query, g.Int64s(0, keyValueHeads, heads / keyValueHeads, -1, size)]);
            key = g.Op("Unsqueeze", [key, g.Int64s(2)]);
            value = g.Op("Unsqueeze", [value, g.Int64s(2)]);
            maskBias = g.Op("Unsqueeze", [maskBias, g.Int64s(1)]);
        }
        int rank = keyValueHeads != heads ? 5 : 4;
        long[] swapLast = [.. Enumerable.Range(0, rank - 2).Select(i => (long)i), rank - 1, rank - 2];
        // Query block i (rows b_i..b_{i+1}) meets keys 0..b_{i+1} only: the keys after them are masked for every row
        // of the block, so their scores would add exact zeros to the softmax.
        var bounds = QueryBlockBounds;
        var blocks = new string[QueryBlocks];
        for (int i = 0; i < QueryBlocks; i++)
        {
            bool last = i == QueryBlocks - 1;
            var (from, to) = (bounds[i], bounds[i + 1]);
            var blockQuery = QueryBlocks == 1 ? query : g.Op("Slice", [query, from, to, g.Int64s(-2)]);
            var seenKey = last ? key : g.Op("Slice", [key, bounds[0], to, g.Int64s(-2)]);
            var seenValue = last ? value : g.Op("Slice", [value, bounds[0], to, g.Int64s(-2)]);
            var bias = QueryBlocks == 1 ? maskBias
                : g.Op("Slice", [maskBias, g.Op("Concat", [from, bounds[0]], Int("axis", 0)), g.Op("Concat", [to, to], Int("axis", 0)), g.Int64s(-2, -1)]);
            var scores = ToFloat32(g.Op("MatMul", [blockQuery, g.Op("Transpose", [seenKey], Ints("perm", swapLast))]));
            scores = g.Op("Mul", [scores, g.FloatScalar(MathF.Pow(size, -0.5f))]);
            var probabilities = ToComputeType(g.Op("Softmax", [g.Op("Add", [scores, bias])], Int("axis", -1)));
            blocks[i] = g.Op("MatMul", [probabilities, seenValue]);
        }
        var context = QueryBlocks == 1 ? blocks[0] : g.Op("Concat", blocks, Int("axis", -2));
        if (keyValueHeads != heads)
            context = g.Op("Reshape", [context, g.Int64s(0, heads, -1, size)]);
        context = g.Op("Transpose", [context], Ints("perm", 0, 2, 1, 3));
        return g.Op("Reshape", [context, g.Int64s(0, 0, (long)heads * size)]);
    }

    /// <summary>
    /// bias[b, 0, i, j] = 0 where (j ≤ i) and attention_mask[b, j], else the lowest float32, built once and added to
    /// every layer's scores: a broadcast Add runs over the [B, heads, T, T] scores several times faster than a
    /// Where per layer (benchmarks/losses, mixed lengths), and a masked score plus the bias still rounds to the lowest
    /// float, so its probability is exactly 0 as with Where.
    /// </summary>
    private string MaskBias
    {
        get
        {
            if (_maskBias is not null) return _maskBias;
            var causal = g.Op("LessOrEqual", [g.Op("Unsqueeze", [Positions, g.Int64s(0)]), g.Op("Unsqueeze", [Positions, g.Int64s(1)])]);
            var notPadding = g.Op("Unsqueeze", [g.Op("Cast", ["attention_mask"], Int("to", (long)DataType.Bool)), g.Int64s(1, 2)]);
            return _maskBias = g.Op("Where", [g.Op("And", [causal, notPadding]), g.FloatScalar(0), g.FloatScalar(float.MinValue)]);
        }
    }

    /// <summary>
    /// Query blocks of causal attention: with k blocks, the scores computed are (k + 1) / 2k of the full square
    /// (5/8 for 4), which matters for long documents, whose attention grows as T² (benchmarks/losses, mixed lengths).
    /// </summary>
    private const int QueryBlocks = 4;

    /// <summary>b_i = ⌊i·T / k⌋ for i = 0..k, as one-element int64 tensors (Slice bounds); blocks of short sequences may be empty.</summary>
    private string[] QueryBlockBounds => _queryBlockBounds ??= [.. Enumerable.Range(0, QueryBlocks + 1).Select(i =>
        i == 0 ? g.Int64s(0)
        : g.Op("Unsqueeze", [i == QueryBlocks ? SequenceLength : g.Op("Div", [g.Op("Mul", [SequenceLength, g.Int64Scalar(i)]), g.Int64Scalar(QueryBlocks)]), g.Int64s(0)]))];

    private string[]? _queryBlockBounds;

    private string SequenceLength => _sequenceLength ??= g.Op("Gather", [g.Op("Shape", [InputIds]), g.Int64Scalar(1)], Int("axis", 0));

    private string? _sequenceLength;

    private string Positions => _positions ??= g.Op("Range", [g.Int64Scalar(0), SequenceLength, g.Int64Scalar(1)]);

    /// <summary>cos and sin of t · inv_freq for t = 0..T−1, [T, dims], as <see cref="TorchTensorOps"/> computes them (in float32).</summary>
    private (string Cos, string Sin) RotaryTables(int dims, double theta)
    {
        if (_rotaryTables.TryGetValue((dims, theta), out var tables)) return tables;
        var invFreq = new float[dims / 2];
        for (int i = 0; i < invFreq.Length; i++)
            invFreq[i] = 1f / MathF.Pow((float)theta, 2 * i / (float)dims);
        var column = g.Op("Unsqueeze", [g.Op("Cast", [Positions], Int("to", (long)DataType.Float)), g.Int64s(1)]);
        var freqs = g.Op("Mul", [column, g.Floats(string.Create(CultureInfo.InvariantCulture, $"/rotary/inv_freq_{dims}_{theta:R}"), invFreq, [1, invFreq.Length])]);
        var angles = g.Op("Concat", [freqs, freqs], Int("axis", -1));
        tables = (ToComputeType(g.Op("Cos", [angles])), ToComputeType(g.Op("Sin", [angles])));
        _rotaryTables[(dims, theta)] = tables;
        return tables;
    }
}
