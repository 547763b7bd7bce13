using QuantaDiscovery.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace QuantaDiscovery.Models;

/// <summary>
/// GPT-NeoX (the Pythia architecture) as a causal language model, with the semantics of Hugging Face's
/// GPTNeoXForCausalLM (transformers/models/gpt_neox/modeling_gpt_neox.py; Black et al. 2022, "GPT-NeoX-20B")
/// and its parameter names, so that HF safetensors load and save by name:
/// <code>
///   x = embed_in[input_ids]
///   for each layer:  a = attention(input_layernorm(x))
///       parallel:    x = x + a + mlp(post_attention_layernorm(x))
///       sequential:  x = x + a;  x = x + mlp(post_attention_layernorm(x))
///   logits = embed_out(final_layer_norm(x))          (embed_out: untied, no bias)
/// </code>
/// A plain differentiable module: <c>forward(input_ids [B, T] int64, attention_mask [B, T] or null) → logits [B, T, V]</c>.
/// Every linear layer is invoked with <c>call</c>, so forward hooks registered on it run (the factored gradient
/// projection reads each linear layer's input and output through them).
/// </summary>
public sealed class GptNeoXModel : Module<Tensor, Tensor?, Tensor>
{
    public GptNeoXConfig Config { get; }

    private readonly GptNeoXTransformer _transformer;
    private readonly Linear _embedOut;

    public GptNeoXModel(GptNeoXConfig config) : base(nameof(GptNeoXModel))
    {
        config.Validate();
        Config = config;
        _transformer = new GptNeoXTransformer(config);
        _embedOut = Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        register_module("gpt_neox", _transformer);
        register_module("embed_out", _embedOut);
    }

    /// <param name="inputIds">token ids, int64 [batch, sequence]</param>
    /// <param name="attentionMask">1 for tokens, 0 for padding on the right, [batch, sequence]; null: no padding</param>
    /// <returns>logits, float32 [batch, sequence, vocab_size]</returns>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask) =>
        _embedOut.call(_transformer.forward(inputIds, attentionMask));

    /// <summary>
    /// Per-token losses −log p(x_j | x_&lt;j) for j = 1..T−1, float32 [batch, sequence − 1]; entries past a
    /// document's end (where attention_mask is 0) are meaningless.
    /// </summary>
    public Tensor TokenLosses(Tensor inputIds, Tensor? attentionMask = null)
    {
        using var scope = NewDisposeScope();
        long batch = inputIds.shape[0], length = inputIds.shape[1];
        var logits = forward(inputIds, attentionMask).narrow(1, 0, length - 1);
        var targets = inputIds.narrow(1, 1, length - 1);
        var losses = functional.cross_entropy(logits.reshape(-1, Config.VocabSize), targets.reshape(-1),
            reduction: Reduction.None);
        return losses.reshape(batch, length - 1).MoveToOuterDisposeScope();
    }

    /// <summary>HF names and shapes of every parameter the config implies, in HF's order.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> ParameterShapes(GptNeoXConfig config)
    {
        long h = config.HiddenSize, f = config.IntermediateSize, v = config.VocabSize;
        var shapes = new List<(string, long[])> { ("gpt_neox.embed_in.weight", [v, h]) };
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            var layer = $"gpt_neox.layers.{i}.";
            shapes.AddRange([
                (layer + "input_layernorm.weight", [h]), (layer + "input_layernorm.bias", [h]),
                (layer + "post_attention_layernorm.weight", [h]), (layer + "post_attention_layernorm.bias", [h]),
                (layer + "attention.query_key_value.weight", [3 * h, h]), (layer + "attention.query_key_value.bias", [3 * h]),
                (layer + "attention.dense.weight", [h, h]), (layer + "attention.dense.bias", [h]),
                (layer + "mlp.dense_h_to_4h.weight", [f, h]), (layer + "mlp.dense_h_to_4h.bias", [f]),
                (layer + "mlp.dense_4h_to_h.weight", [h, f]), (layer + "mlp.dense_4h_to_h.bias", [h]),
            ]);
        }
        shapes.Add(("gpt_neox.final_layer_norm.weight", [h]));
        shapes.Add(("gpt_neox.final_layer_norm.bias", [h]));
        shapes.Add(("embed_out.weight", [v, h]));
        return shapes;
    }

    /// <summary>Buffers HF checkpoints may carry that this module recomputes (causal mask, rotary inv_freq).</summary>
    public static bool IsRecomputedBuffer(string name) =>
        name.EndsWith(".attention.bias", StringComparison.Ordinal) ||
        name.EndsWith(".attention.masked_bias", StringComparison.Ordinal) ||
        name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal);

    /// <summary>Reads a model folder's config.json and safetensors weights (F32, F16 or BF16) into a float32 model.</summary>
    public static GptNeoXModel Load(ModelFolder folder)
    {
        var model = new GptNeoXModel(folder.Config);
        using var weights = folder.OpenWeights();
        model.LoadWeights(weights);
        model.eval();
        return model;
    }

    /// <summary>Copies every parameter from <paramref name="weights"/>; a missing, misshapen or unknown tensor is an error.</summary>
    public void LoadWeights(ModelWeights weights)
    {
        var expected = ParameterShapes(Config).ToDictionary(p => p.Name, p => p.Shape);
        foreach (var name in weights.Names)
            if (!expected.ContainsKey(name) && !IsRecomputedBuffer(name) && weights.TryFind(name, out var file, out _))
                throw new InputException($"tensor '{name}' is not a GPT-NeoX parameter", file.Path);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            var values = weights.Read(name, expected[name]);
            using var loaded = tensor(values, expected[name]);
            parameter.copy_(loaded);
        }
    }

    /// <summary>Writes every parameter by its HF name as a safetensors file (F32 or F16).</summary>
    public void SaveSafetensors(string path, SafetensorsDType dtype = SafetensorsDType.F32)
    {
        var tensors = named_parameters().Select(p =>
        {
            using var cpu = p.parameter.detach().cpu().contiguous();
            return (p.name, cpu.shape, (ReadOnlyMemory<float>)cpu.data<float>().ToArray());
        }).ToList();
        SafetensorsFile.Write(path, tensors, dtype);
    }
}

/// <summary>HF's GPTNeoXModel: embedding, layers and final layer norm (registered as "gpt_neox").</summary>
internal sealed class GptNeoXTransformer : Module<Tensor, Tensor?, Tensor>
{
    private readonly GptNeoXConfig _config;
    private readonly Embedding _embedIn;
    private readonly ModuleList<GptNeoXLayer> _layers;
    private readonly LayerNorm _finalLayerNorm;

    public GptNeoXTransformer(GptNeoXConfig config) : base(nameof(GptNeoXTransformer))
    {
        _config = config;
        _embedIn = Embedding(config.VocabSize, config.HiddenSize);
        _layers = new ModuleList<GptNeoXLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new GptNeoXLayer(config)).ToArray());
        _finalLayerNorm = LayerNorm(config.HiddenSize, config.LayerNormEps);
        register_module("embed_in", _embedIn);
        register_module("layers", _layers);
        register_module("final_layer_norm", _finalLayerNorm);
    }

    public override Tensor forward(Tensor inputIds, Tensor? attentionMask)
    {
        long length = inputIds.shape[1];
        var (cos, sin) = RotaryTables(length, inputIds.device);
        // Query i may attend to key j when j ≤ i and key j is not padding: [batch or 1, 1, T, T].
        var allowed = ones(length, length, ScalarType.Bool, inputIds.device).tril().view(1, 1, length, length);
        if (attentionMask is not null)
            allowed = allowed.logical_and(attentionMask.to(ScalarType.Bool).view(attentionMask.shape[0], 1, 1, length));

        var x = _embedIn.forward(inputIds);
        foreach (var layer in _layers)
            x = layer.forward(x, cos, sin, allowed);
        return _finalLayerNorm.forward(x);
    }

    /// <summary>
    /// Rotary embedding tables (Su et al. 2021, "RoFormer") for positions 0..T−1, HF layout: angle[t, i] =
    /// t · inv_freq[i mod d/2] with inv_freq[i] = base^(−2i/d), d = rotary dims; returns (cos, sin), [T, d].
    /// </summary>
    private (Tensor Cos, Tensor Sin) RotaryTables(long length, Device device)
    {
        int dims = _config.RotaryDims;
        var invFreq = 1.0f / pow(_config.RotaryEmbBase, arange(0, dims, 2, ScalarType.Int64, device).to(ScalarType.Float32) / dims);
        var freqs = outer(arange(length, ScalarType.Int64, device).to(ScalarType.Float32), invFreq);
        var angles = cat([freqs, freqs], -1);
        return (angles.cos(), angles.sin());
    }
}

/// <summary>HF's GPTNeoXLayer: pre-norm attention and MLP, parallel or sequential residual.</summary>
internal sealed class GptNeoXLayer : Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly bool _parallelResidual;
    private readonly LayerNorm _inputLayerNorm;
    private readonly LayerNorm _postAttentionLayerNorm;
    private readonly GptNeoXAttention _attention;
    private readonly GptNeoXMlp _mlp;

    public GptNeoXLayer(GptNeoXConfig config) : base(nameof(GptNeoXLayer))
    {
        _parallelResidual = config.UseParallelResidual;
        _inputLayerNorm = LayerNorm(config.HiddenSize, config.LayerNormEps);
        _postAttentionLayerNorm = LayerNorm(config.HiddenSize, config.LayerNormEps);
        _attention = new GptNeoXAttention(config);
        _mlp = new GptNeoXMlp(config);
        register_module("input_layernorm", _inputLayerNorm);
        register_module("post_attention_layernorm", _postAttentionLayerNorm);
        register_module("attention", _attention);
        register_module("mlp", _mlp);
    }

    public override Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor allowed)
    {
        var attention = _attention.forward(_inputLayerNorm.forward(x), cos, sin, allowed);
        if (_parallelResidual)
            return x + attention + _mlp.forward(_postAttentionLayerNorm.forward(x));
        var h = x + attention;
        return h + _mlp.forward(_postAttentionLayerNorm.forward(h));
    }
}

/// <summary>
/// HF's GPTNeoXAttention: one fused projection whose output is laid out per head as [heads, 3, head_size]
/// (q, k, v); rotary embedding on the first rotary dims of q and k; softmax(q·kᵀ / √head_size) in float32.
/// </summary>
internal sealed class GptNeoXAttention : Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly int _heads, _headSize, _rotaryDims;
    private readonly Linear _queryKeyValue;
    private readonly Linear _dense;

    public GptNeoXAttention(GptNeoXConfig config) : base(nameof(GptNeoXAttention))
    {
        _heads = config.NumAttentionHeads;
        _headSize = config.HeadSize;
        _rotaryDims = config.RotaryDims;
        _queryKeyValue = Linear(config.HiddenSize, 3 * config.HiddenSize);
        _dense = Linear(config.HiddenSize, config.HiddenSize);
        register_module("query_key_value", _queryKeyValue);
        register_module("dense", _dense);
    }

    public override Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor allowed)
    {
        long batch = x.shape[0], length = x.shape[1];
        var qkv = _queryKeyValue.call(x).view(batch, length, _heads, 3 * _headSize).permute(0, 2, 1, 3);
        var query = Rotate(qkv.narrow(-1, 0, _headSize), cos, sin);
        var key = Rotate(qkv.narrow(-1, _headSize, _headSize), cos, sin);
        var value = qkv.narrow(-1, 2 * _headSize, _headSize);

        var scores = matmul(query, key.transpose(-1, -2)).mul(Math.Pow(_headSize, -0.5)).to(ScalarType.Float32);
        scores = scores.masked_fill(allowed.logical_not(), float.MinValue);
        var probabilities = scores.softmax(-1).to(value.dtype);
        var context = matmul(probabilities, value).permute(0, 2, 1, 3).reshape(batch, length, _heads * _headSize);
        return _dense.call(context);
    }

    /// <summary>x·cos + rotate_half(x)·sin on the first rotary dims, where rotate_half([a, b]) = [−b, a].</summary>
    private Tensor Rotate(Tensor x, Tensor cos, Tensor sin)
    {
        if (_rotaryDims == 0) return x;
        var rotary = x.narrow(-1, 0, _rotaryDims);
        var half = _rotaryDims / 2;
        var rotatedHalf = cat([rotary.narrow(-1, half, half).neg(), rotary.narrow(-1, 0, half)], -1);
        var embedded = rotary * cos + rotatedHalf * sin;
        return _rotaryDims == _headSize ? embedded : cat([embedded, x.narrow(-1, _rotaryDims, _headSize - _rotaryDims)], -1);
    }
}

/// <summary>HF's GPTNeoXMLP: dense_h_to_4h, activation, dense_4h_to_h.</summary>
internal sealed class GptNeoXMlp : Module<Tensor, Tensor>
{
    private readonly string _activation;
    private readonly Linear _denseHTo4H;
    private readonly Linear _dense4HToH;

    public GptNeoXMlp(GptNeoXConfig config) : base(nameof(GptNeoXMlp))
    {
        _activation = config.HiddenAct;
        _denseHTo4H = Linear(config.HiddenSize, config.IntermediateSize);
        _dense4HToH = Linear(config.IntermediateSize, config.HiddenSize);
        register_module("dense_h_to_4h", _denseHTo4H);
        register_module("dense_4h_to_h", _dense4HToH);
    }

    public override Tensor forward(Tensor x) => _dense4HToH.call(Activate(_denseHTo4H.call(x)));

    private Tensor Activate(Tensor x) => _activation switch
    {
        "gelu" => functional.gelu(x),
        // Tanh approximation of GELU (Hendrycks & Gimpel 2016), HF's NewGELUActivation / FastGELUActivation.
        "gelu_new" or "gelu_fast" => 0.5 * x * (1.0 + tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x.pow(3)))),
        "relu" => functional.relu(x),
        _ => throw new InputException($"hidden_act '{_activation}' is not supported"),
    };
}
