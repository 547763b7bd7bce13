using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Models.Llama;

namespace QuantaDiscovery.Models;

/// <summary>The registered model families, one line each, and config.json's reading and writing through them.</summary>
public static class ModelFamilies
{
    public static IReadOnlyList<IModelFamily> All { get; } =
    [
        GptNeoXFamily.Instance,
        LlamaFamily.Instance,
    ];

    /// <summary>config.json without model_type is read as GPT-NeoX (Pythia's first configs carry none).</summary>
    public static IModelFamily Default => GptNeoXFamily.Instance;

    /// <summary>The family of a model_type; an error listing the registered ones otherwise.</summary>
    public static IModelFamily Get(string modelType, string? path = null) =>
        All.FirstOrDefault(f => f.ModelType == modelType)
        ?? throw new InputException(
            $"model_type '{modelType}' is not supported (supported: {string.Join(", ", All.Select(f => f.ModelType))})", path);

    /// <summary>Reads and validates a config.json by its model_type; errors name the file and the field.</summary>
    public static IModelConfig LoadConfig(string path)
    {
        if (!File.Exists(path))
            throw new InputException("config.json not found", path);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InputException("config.json is not a JSON object", path);
        }
        catch (JsonException e)
        {
            throw new InputException($"config.json is not valid JSON: {e.Message}", path, inner: e);
        }
        var family = json["model_type"] is JsonValue modelType ? Get(modelType.ToString(), path) : Default;
        var config = family.ParseConfig(json, path);
        config.Validate(path);
        return config;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes config.json in Hugging Face's layout.</summary>
    public static void Save(this IModelConfig config, string path) =>
        File.WriteAllText(path, config.ToJson().ToJsonString(Indented));

    /// <summary>The size of every parameter outside the embedding and the unembedding.</summary>
    public static long NonEmbeddingParameters(IModelConfig config) =>
        config.Family.Parameters(config).Where(p => p.Role is not (ParameterRole.Embedding or ParameterRole.Unembedding)).Sum(p => p.Size);

    /// <summary>Deserialises a family's config record from config.json; errors name the file.</summary>
    internal static TConfig Deserialize<TConfig>(JsonObject json, string path, string familyName) where TConfig : class
    {
        try
        {
            return json.Deserialize<TConfig>() ?? throw new InputException("empty config", path);
        }
        catch (JsonException e)
        {
            throw new InputException($"not a {familyName} config: {e.Message}", path, inner: e);
        }
    }
}
