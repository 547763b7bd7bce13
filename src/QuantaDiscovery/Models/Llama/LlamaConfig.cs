using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Models.Llama;

/// <summary>
/// The fields of Hugging Face's LlamaConfig that define the network (config.json of Llama, TinyLlama, SmolLM, …).
/// Defaults are HF's for fields a config.json may omit. Rotary scaling and attention/MLP biases are refused.
/// </summary>
public sealed record LlamaConfig : IModelConfig
{
    [JsonPropertyName("hidden_size")] public required int HiddenSize { get; init; }
    [JsonPropertyName("intermediate_size")] public required int IntermediateSize { get; init; }
    [JsonPropertyName("num_hidden_layers")] public required int NumHiddenLayers { get; init; }
    [JsonPropertyName("num_attention_heads")] public required int NumAttentionHeads { get; init; }
    /// <summary>Grouped-query attention (Ainslie et al. 2023); null: as many as attention heads.</summary>
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; init; }
    /// <summary>null: hidden_size / num_attention_heads.</summary>
    [JsonPropertyName("head_dim")] public int? HeadDim { get; init; }
    [JsonPropertyName("vocab_size")] public required int VocabSize { get; init; }
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "silu";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 2048;
    [JsonPropertyName("initializer_range")] public double InitializerRange { get; init; } = 0.02;
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-6;
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; }
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000;
    [JsonPropertyName("rope_scaling")] public JsonNode? RopeScaling { get; init; }
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; init; }
    [JsonPropertyName("mlp_bias")] public bool MlpBias { get; init; }

    /// <summary>Activations of the MLP's gate this project implements (HF ACT2FN names).</summary>
    public static IReadOnlyList<string> SupportedActivations { get; } = ["silu", "gelu", "gelu_new", "gelu_fast", "relu"];

    [JsonIgnore] public IModelFamily Family => LlamaFamily.Instance;
    [JsonIgnore] public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;
    [JsonIgnore] public int HeadSize => HeadDim ?? HiddenSize / Math.Max(1, NumAttentionHeads);
    [JsonIgnore] public long NonEmbeddingParameters => ModelFamilies.NonEmbeddingParameters(this);

    [JsonIgnore] public ModelDimensions Dimensions => new(HiddenSize, NumHiddenLayers, NumAttentionHeads, IntermediateSize);

    /// <summary>
    /// Reads config.json; transformers 5 moves rope_theta and the scaling into rope_parameters ({"rope_type": "default",
    /// "rope_theta": …}), which is accepted too.
    /// </summary>
    internal static LlamaConfig Parse(JsonObject json, string path)
    {
        if (json["rope_parameters"] is JsonObject ropeParameters)
        {
            if (!json.ContainsKey("rope_theta") && ropeParameters["rope_theta"] is { } theta)
                json["rope_theta"] = theta.DeepClone();
            if (ropeParameters["rope_type"]?.ToString() is { } type && type != "default" && json["rope_scaling"] is null)
                json["rope_scaling"] = ropeParameters.DeepClone();
        }
        return ModelFamilies.Deserialize<LlamaConfig>(json, path, "Llama");
    }

    public JsonObject ToJson()
    {
        var node = JsonSerializer.SerializeToNode(this)!.AsObject();
        node["num_key_value_heads"] = KeyValueHeads;
        node["head_dim"] = HeadSize;
        node["architectures"] = new JsonArray(Family.Architecture);
        node["model_type"] = Family.ModelType;
        node["torch_dtype"] = "float32";
        return node;
    }

    public void Validate(string? path = null)
    {
        void Require(bool ok, string message)
        {
            if (!ok) throw new InputException(message, path);
        }
        Require(HiddenSize > 0 && NumHiddenLayers > 0 && NumAttentionHeads > 0 && IntermediateSize > 0 && VocabSize > 0,
            "hidden_size, num_hidden_layers, num_attention_heads, intermediate_size and vocab_size must be positive");
        Require(KeyValueHeads > 0 && NumAttentionHeads % KeyValueHeads == 0,
            $"num_attention_heads {NumAttentionHeads} is not a multiple of num_key_value_heads {KeyValueHeads}");
        Require(HeadDim is not null || HiddenSize % NumAttentionHeads == 0,
            $"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads} (and head_dim is not given)");
        Require(HeadSize > 0 && HeadSize % 2 == 0, $"head_dim {HeadSize} must be positive and even (rotary embedding turns pairs)");
        Require(RopeTheta > 0, $"rope_theta {RopeTheta} must be positive");
        Require(RmsNormEps > 0, $"rms_norm_eps {RmsNormEps} must be positive");
        Require(MaxPositionEmbeddings > 0, $"max_position_embeddings {MaxPositionEmbeddings} must be positive");
        Require(SupportedActivations.Contains(HiddenAct),
            $"hidden_act '{HiddenAct}' is not supported (expected one of {string.Join(", ", SupportedActivations)})");
        Require(RopeScaling is null || IsDefaultRope(RopeScaling),
            $"rope_scaling {RopeScaling?.ToJsonString()} is not supported: only unscaled rotary embeddings (rope_scaling null) are implemented");
        Require(!AttentionBias, "attention_bias true is not supported: only Llama's bias-free q/k/v/o projections are implemented");
        Require(!MlpBias, "mlp_bias true is not supported: only Llama's bias-free gate/up/down projections are implemented");
    }

    private static bool IsDefaultRope(JsonNode scaling) =>
        scaling is JsonObject o && (o["rope_type"] ?? o["type"])?.ToString() == "default";
}
