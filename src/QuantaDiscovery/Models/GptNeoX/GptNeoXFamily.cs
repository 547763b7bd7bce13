using System.Text.Json.Nodes;

namespace QuantaDiscovery.Models.GptNeoX;

/// <summary>
/// GPT-NeoX (the Pythia architecture) with the semantics and parameter names of Hugging Face's GPTNeoXForCausalLM
/// (transformers/models/gpt_neox/modeling_gpt_neox.py; Black et al. 2022, "GPT-NeoX-20B"):
/// <code>
///   x = embed_in[input_ids]
///   for each layer:  a = attention(input_layernorm(x))
///       parallel:    x = x + a + mlp(post_attention_layernorm(x))
///       sequential:  x = x + a;  x = x + mlp(post_attention_layernorm(x))
///   logits = embed_out(final_layer_norm(x))          (embed_out: untied, no bias)
/// </code>
/// Attention: one fused projection whose output is laid out per head as [heads, 3, head_size] (q, k, v); rotary
/// embedding on the first int(head_size · rotary_pct) dims of q and k.
/// </summary>
public sealed class GptNeoXFamily : IModelFamily
{
    public static GptNeoXFamily Instance { get; } = new();

    public string ModelType => "gpt_neox";
    public string Architecture => "GPTNeoXForCausalLM";

    public IModelConfig ParseConfig(JsonObject json, string path) =>
        ModelFamilies.Deserialize<GptNeoXConfig>(GptNeoXConfig.WithClassicRotaryNames(json), path, "GPT-NeoX");

    public IReadOnlyList<ParameterSpec> Parameters(IModelConfig config)
    {
        var c = (GptNeoXConfig)config;
        long h = c.HiddenSize, f = c.IntermediateSize, v = c.VocabSize;
        var specs = new List<ParameterSpec> { new("gpt_neox.embed_in.weight", [v, h], ParameterRole.Embedding, ParameterInit.Normal) };
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            var layer = $"gpt_neox.layers.{i}.";
            specs.AddRange(ParameterSpec.Norm(layer + "input_layernorm", h, bias: true, ParameterRole.LayerNorm));
            specs.AddRange(ParameterSpec.Norm(layer + "post_attention_layernorm", h, bias: true, ParameterRole.LayerNorm));
            specs.AddRange(ParameterSpec.Linear(layer + "attention.query_key_value", h, 3 * h, bias: true, ParameterRole.LayerWeight));
            specs.AddRange(ParameterSpec.Linear(layer + "attention.dense", h, h, bias: true, ParameterRole.LayerWeight));
            specs.AddRange(ParameterSpec.Linear(layer + "mlp.dense_h_to_4h", h, f, bias: true, ParameterRole.LayerWeight));
            specs.AddRange(ParameterSpec.Linear(layer + "mlp.dense_4h_to_h", f, h, bias: true, ParameterRole.LayerWeight));
        }
        specs.AddRange(ParameterSpec.Norm("gpt_neox.final_layer_norm", h, bias: true, ParameterRole.FinalNorm));
        specs.Add(new("embed_out.weight", [v, h], ParameterRole.Unembedding, ParameterInit.Normal));
        return specs;
    }

    /// <summary>Buffers HF checkpoints may carry that the module recomputes (causal mask, rotary inv_freq).</summary>
    public bool IsIgnoredTensor(IModelConfig config, string name) =>
        name.EndsWith(".attention.bias", StringComparison.Ordinal) ||
        name.EndsWith(".attention.masked_bias", StringComparison.Ordinal) ||
        name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal);

    public T Hidden<T>(ITensorOps<T> ops, IModelConfig config)
    {
        var c = (GptNeoXConfig)config;
        var x = ops.Embedding("gpt_neox.embed_in.weight", ops.InputIds);
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            var layer = $"gpt_neox.layers.{i}.";
            var attention = Attention(ops, c, layer + "attention.", Norm(ops, c, x, layer + "input_layernorm"));
            if (c.UseParallelResidual)
                x = ops.Add(ops.Add(x, attention), Mlp(ops, c, layer + "mlp.", Norm(ops, c, x, layer + "post_attention_layernorm")));
            else
            {
                var h = ops.Add(x, attention);
                x = ops.Add(h, Mlp(ops, c, layer + "mlp.", Norm(ops, c, h, layer + "post_attention_layernorm")));
            }
        }
        return Norm(ops, c, x, "gpt_neox.final_layer_norm");
    }

    public T Logits<T>(ITensorOps<T> ops, IModelConfig config, T hidden) => ops.Linear(hidden, "embed_out.weight");

    /// <summary>Pythia's proportions: MLP 4·d_model, rotary on 25% of each head, parallel residual, gelu.</summary>
    public IModelConfig ForTraining(TrainingShape shape) => new GptNeoXConfig
    {
        HiddenSize = shape.DModel,
        NumHiddenLayers = shape.Layers,
        NumAttentionHeads = shape.Heads,
        IntermediateSize = 4 * shape.DModel,
        VocabSize = shape.VocabularySize,
        MaxPositionEmbeddings = shape.Context,
    };

    private static T Norm<T>(ITensorOps<T> ops, GptNeoXConfig c, T x, string name) =>
        ops.LayerNorm(x, name + ".weight", name + ".bias", c.LayerNormEps);

    private static T Linear<T>(ITensorOps<T> ops, T x, string name) => ops.Linear(x, name + ".weight", name + ".bias");

    private static T Attention<T>(ITensorOps<T> ops, GptNeoXConfig c, string name, T x)
    {
        int heads = c.NumAttentionHeads, size = c.HeadSize;
        var qkv = ops.SplitHeads(Linear(ops, x, name + "query_key_value"), heads, 3 * size);
        var query = ops.Rotary(ops.Narrow(qkv, 0, size), size, c.RotaryDims, c.RotaryEmbBase);
        var key = ops.Rotary(ops.Narrow(qkv, size, size), size, c.RotaryDims, c.RotaryEmbBase);
        var value = ops.Narrow(qkv, 2 * size, size);
        return Linear(ops, ops.CausalAttention(query, key, value, heads, heads, size), name + "dense");
    }

    private static T Mlp<T>(ITensorOps<T> ops, GptNeoXConfig c, string name, T x) =>
        Linear(ops, ops.Activation(Linear(ops, x, name + "dense_h_to_4h"), c.HiddenAct), name + "dense_4h_to_h");
}
