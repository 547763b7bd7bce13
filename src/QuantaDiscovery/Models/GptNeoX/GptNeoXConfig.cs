using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Models.GptNeoX;

/// <summary>
/// The fields of Hugging Face's GPTNeoXConfig that define the network (config.json of a Pythia checkpoint).
/// Defaults are HF's for fields a config.json may omit.
/// </summary>
public sealed record GptNeoXConfig : IModelConfig
{
    [JsonPropertyName("hidden_size")] public required int HiddenSize { get; init; }
    [JsonPropertyName("num_hidden_layers")] public required int NumHiddenLayers { get; init; }
    [JsonPropertyName("num_attention_heads")] public required int NumAttentionHeads { get; init; }
    [JsonPropertyName("intermediate_size")] public required int IntermediateSize { get; init; }
    [JsonPropertyName("vocab_size")] public required int VocabSize { get; init; }
    [JsonPropertyName("rotary_pct")] public double RotaryPct { get; init; } = 0.25;
    [JsonPropertyName("rotary_emb_base")] public double RotaryEmbBase { get; init; } = 10000;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 2048;
    [JsonPropertyName("use_parallel_residual")] public bool UseParallelResidual { get; init; } = true;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-5;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "gelu";
    [JsonPropertyName("initializer_range")] public double InitializerRange { get; init; } = 0.02;

    /// <summary>Activations of the MLP this project implements (HF ACT2FN names).</summary>
    public static IReadOnlyList<string> SupportedActivations { get; } = ["gelu", "gelu_new", "gelu_fast", "relu"];

    [JsonIgnore] public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>Rotary dimensions per head: int(head_size · rotary_pct), as HF truncates it.</summary>
    [JsonIgnore] public int RotaryDims => (int)(HeadSize * RotaryPct);

    [JsonIgnore] public IModelFamily Family => GptNeoXFamily.Instance;

    /// <summary>
    /// Parameters outside embed_in and embed_out, the N of the scaling laws: per layer the fused QKV and output
    /// projections, the MLP and two layer norms (weights and biases), plus the final layer norm.
    /// </summary>
    [JsonIgnore] public long NonEmbeddingParameters => ModelFamilies.NonEmbeddingParameters(this);

    [JsonIgnore] public ModelDimensions Dimensions => new(HiddenSize, NumHiddenLayers, NumAttentionHeads, IntermediateSize);

    /// <summary>Reads and validates a GPT-NeoX config.json; errors name the file and the field.</summary>
    public static GptNeoXConfig Load(string path) => ModelFamilies.LoadConfig(path) as GptNeoXConfig
        ?? throw new InputException("model_type is not gpt_neox (GPT-NeoX/Pythia)", path);

    /// <summary>
    /// Newer transformers versions name the rotary fields rope_theta and partial_rotary_factor (at the top level, or
    /// inside rope_parameters); Pythia's configs use rotary_emb_base and rotary_pct. Either is accepted.
    /// </summary>
    internal static JsonObject WithClassicRotaryNames(JsonObject json)
    {
        var sources = new[] { json, json["rope_parameters"] as JsonObject }.OfType<JsonObject>().ToList();
        foreach (var (modern, classic) in new[] { ("rope_theta", "rotary_emb_base"), ("partial_rotary_factor", "rotary_pct") })
            if (!json.ContainsKey(classic) && sources.FirstOrDefault(s => s.ContainsKey(modern)) is { } source)
                json[classic] = source[modern]!.DeepClone();
        return json;
    }

    /// <summary>config.json in HF's layout (with model_type and architectures, so transformers loads it).</summary>
    public JsonObject ToJson()
    {
        var node = JsonSerializer.SerializeToNode(this)!.AsObject();
        node["architectures"] = new JsonArray(Family.Architecture);
        node["model_type"] = Family.ModelType;
        node["tie_word_embeddings"] = false;
        node["torch_dtype"] = "float32";
        return node;
    }

    /// <summary>Checks the fields against each other; <paramref name="path"/> names the file in errors.</summary>
    public void Validate(string? path = null)
    {
        void Require(bool ok, string message)
        {
            if (!ok) throw new InputException(message, path);
        }
        Require(HiddenSize > 0 && NumHiddenLayers > 0 && NumAttentionHeads > 0 && IntermediateSize > 0 && VocabSize > 0,
            "hidden_size, num_hidden_layers, num_attention_heads, intermediate_size and vocab_size must be positive");
        Require(HiddenSize % NumAttentionHeads == 0,
            $"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        Require(RotaryPct is >= 0 and <= 1, $"rotary_pct {RotaryPct} is outside [0, 1]");
        Require(RotaryDims % 2 == 0, $"rotary dimensions int(head_size·rotary_pct) = {RotaryDims} must be even");
        Require(RotaryEmbBase > 0, $"rotary_emb_base {RotaryEmbBase} must be positive");
        Require(LayerNormEps > 0, $"layer_norm_eps {LayerNormEps} must be positive");
        Require(MaxPositionEmbeddings > 0, $"max_position_embeddings {MaxPositionEmbeddings} must be positive");
        Require(SupportedActivations.Contains(HiddenAct),
            $"hidden_act '{HiddenAct}' is not supported (expected one of {string.Join(", ", SupportedActivations)})");
    }
}
