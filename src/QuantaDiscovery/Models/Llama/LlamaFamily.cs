using System.Text.Json.Nodes;

namespace QuantaDiscovery.Models.Llama;

/// <summary>
/// Llama with the semantics and parameter names of Hugging Face's LlamaForCausalLM
/// (transformers/models/llama/modeling_llama.py; Touvron et al. 2023):
/// <code>
///   x = embed_tokens[input_ids]
///   for each layer:  x = x + o_proj(attention(input_layernorm(x)))
///                    x = x + down_proj(act(gate_proj(h)) · up_proj(h)),  h = post_attention_layernorm(x)
///   logits = lm_head(norm(x))          (lm_head = embed_tokens when tie_word_embeddings)
/// </code>
/// Norms are RMSNorm without bias; the MLP is SwiGLU (Shazeer 2020); rotary embedding over the whole head with base
/// rope_theta (HF's rotate_half convention); grouped-query attention with num_key_value_heads; no biases.
/// </summary>
public sealed class LlamaFamily : IModelFamily
{
    public static LlamaFamily Instance { get; } = new();

    private const string Embedding = "model.embed_tokens.weight";
    private const string Unembedding = "lm_head.weight";

    public string ModelType => "llama";
    public string Architecture => "LlamaForCausalLM";

    public IModelConfig ParseConfig(JsonObject json, string path) => LlamaConfig.Parse(json, path);

    public IReadOnlyList<ParameterSpec> Parameters(IModelConfig config)
    {
        var c = (LlamaConfig)config;
        long h = c.HiddenSize, f = c.IntermediateSize, v = c.VocabSize;
        long queries = (long)c.NumAttentionHeads * c.HeadSize, keyValues = (long)c.KeyValueHeads * c.HeadSize;
        var specs = new List<ParameterSpec> { new(Embedding, [v, h], ParameterRole.Embedding, ParameterInit.Normal) };
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            var layer = $"model.layers.{i}.";
            specs.AddRange(ParameterSpec.Linear(layer + "self_attn.q_proj", h, queries, bias: false, ParameterRole.LayerWeight));
            specs.AddRange(ParameterSpec.Linear(layer + "self_attn.k_proj", h, keyValues, bias: false, ParameterRole.LayerWeight));
            specs.AddRange(ParameterSpec.Linear(layer + "self_attn.v_proj", h, keyValues, bias: false, ParameterRole.LayerWeight));
            specs.AddRange(ParameterSpec.Linear(layer + "self_attn.o_proj", queries, h, bias: false, ParameterRole.LayerWeight));
            specs.AddRange(ParameterSpec.Linear(layer + "mlp.gate_proj", h, f, bias: false, ParameterRole.LayerWeight));
            specs.AddRange(ParameterSpec.Linear(layer + "mlp.up_proj", h, f, bias: false, ParameterRole.LayerWeight));
            specs.AddRange(ParameterSpec.Linear(layer + "mlp.down_proj", f, h, bias: false, ParameterRole.LayerWeight));
            specs.AddRange(ParameterSpec.Norm(layer + "input_layernorm", h, bias: false, ParameterRole.LayerNorm));
            specs.AddRange(ParameterSpec.Norm(layer + "post_attention_layernorm", h, bias: false, ParameterRole.LayerNorm));
        }
        specs.AddRange(ParameterSpec.Norm("model.norm", h, bias: false, ParameterRole.FinalNorm));
        if (!c.TieWordEmbeddings)
            specs.Add(new(Unembedding, [v, h], ParameterRole.Unembedding, ParameterInit.Normal));
        return specs;
    }

    /// <summary>Rotary inv_freq buffers of older checkpoints, and a stored lm_head that tie_word_embeddings replaces (as HF ties it).</summary>
    public bool IsIgnoredTensor(IModelConfig config, string name) =>
        name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal) ||
        (((LlamaConfig)config).TieWordEmbeddings && name == Unembedding);

    public T Hidden<T>(ITensorOps<T> ops, IModelConfig config)
    {
        var c = (LlamaConfig)config;
        var x = ops.Embedding(Embedding, ops.InputIds);
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            var layer = $"model.layers.{i}.";
            x = ops.Add(x, Attention(ops, c, layer + "self_attn.", ops.RmsNorm(x, layer + "input_layernorm.weight", c.RmsNormEps)));
            x = ops.Add(x, Mlp(ops, c, layer + "mlp.", ops.RmsNorm(x, layer + "post_attention_layernorm.weight", c.RmsNormEps)));
        }
        return ops.RmsNorm(x, "model.norm.weight", c.RmsNormEps);
    }

    public T Logits<T>(ITensorOps<T> ops, IModelConfig config, T hidden) =>
        ops.Linear(hidden, ((LlamaConfig)config).TieWordEmbeddings ? Embedding : Unembedding);

    /// <summary>
    /// Llama's proportions: SwiGLU width 8/3·d_model rounded up to a multiple of 8 (Touvron et al. 2023, after Shazeer
    /// 2020), rotary over the whole head, RMSNorm ε 1e-5, untied embeddings, key/value heads as given (default: all).
    /// </summary>
    public IModelConfig ForTraining(TrainingShape shape) => new LlamaConfig
    {
        HiddenSize = shape.DModel,
        IntermediateSize = (8 * shape.DModel / 3 + 7) / 8 * 8,
        NumHiddenLayers = shape.Layers,
        NumAttentionHeads = shape.Heads,
        NumKeyValueHeads = shape.KeyValueHeads ?? shape.Heads,
        VocabSize = shape.VocabularySize,
        MaxPositionEmbeddings = shape.Context,
        RmsNormEps = 1e-5,
    };

    private static T Attention<T>(ITensorOps<T> ops, LlamaConfig c, string name, T x)
    {
        int heads = c.NumAttentionHeads, keyValueHeads = c.KeyValueHeads, size = c.HeadSize;
        var query = ops.Rotary(ops.SplitHeads(ops.Linear(x, name + "q_proj.weight"), heads, size), size, size, c.RopeTheta);
        var key = ops.Rotary(ops.SplitHeads(ops.Linear(x, name + "k_proj.weight"), keyValueHeads, size), size, size, c.RopeTheta);
        var value = ops.SplitHeads(ops.Linear(x, name + "v_proj.weight"), keyValueHeads, size);
        return ops.Linear(ops.CausalAttention(query, key, value, heads, keyValueHeads, size), name + "o_proj.weight");
    }

    private static T Mlp<T>(ITensorOps<T> ops, LlamaConfig c, string name, T x) =>
        ops.Linear(ops.Mul(ops.Activation(ops.Linear(x, name + "gate_proj.weight"), c.HiddenAct), ops.Linear(x, name + "up_proj.weight")),
            name + "down_proj.weight");
}
