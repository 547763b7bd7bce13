using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;

namespace QuantaDiscovery.Train;

/// <summary>One model size of a suite: its shape and peak learning rate (Pythia lowers it as models grow).</summary>
public sealed record SuiteSize
{
    [JsonPropertyName("layers")] public required int Layers { get; init; }
    [JsonPropertyName("d_model")] public required int DModel { get; init; }
    [JsonPropertyName("heads")] public required int Heads { get; init; }
    [JsonPropertyName("lr")] public required double LearningRate { get; init; }
    /// <summary>Key/value heads of grouped-query attention (families that have it); null: as many as heads.</summary>
    [JsonPropertyName("kv_heads"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? KeyValueHeads { get; init; }
}

/// <summary>
/// A suite of model sizes trained on one token order with one schedule (suite.json), like the Pythia suite:
/// every size shares the context, batch size, number of updates, seed and checkpoint steps.
/// </summary>
public sealed record ModelSuiteDefinition
{
    /// <summary>The model family's model_type (gpt_neox, llama); null: gpt_neox.</summary>
    [JsonPropertyName("family"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Family { get; init; }
    [JsonPropertyName("name_prefix")] public string NamePrefix { get; init; } = "pico";
    [JsonPropertyName("context")] public int Context { get; init; } = 128;
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 16;
    [JsonPropertyName("steps")] public required int Steps { get; init; }
    [JsonPropertyName("warmup")] public int? Warmup { get; init; }
    [JsonPropertyName("min_lr_ratio")] public double MinLearningRateRatio { get; init; } = 0.1;
    [JsonPropertyName("seed")] public int Seed { get; init; }
    /// <summary>"pythia" or a comma-separated list of steps.</summary>
    [JsonPropertyName("checkpoints")] public string Checkpoints { get; init; } = "pythia";
    [JsonPropertyName("dtype_save")] public string SaveDType { get; init; } = "f16";
    [JsonPropertyName("sizes")] public required IReadOnlyList<SuiteSize> Sizes { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, ReadCommentHandling = JsonCommentHandling.Skip };

    public static ModelSuiteDefinition Load(string path)
    {
        if (!File.Exists(path)) throw new InputException("suite definition not found", path);
        ModelSuiteDefinition? suite;
        try
        {
            suite = JsonSerializer.Deserialize<ModelSuiteDefinition>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InputException($"not a suite definition: {e.Message}", path, inner: e);
        }
        if (suite is null || suite.Sizes.Count == 0) throw new InputException("the suite lists no sizes", path);
        try
        {
            foreach (var size in suite.Sizes) suite.Config(size, vocabularySize: 1).Validate();
            _ = suite.ModelFamily;
            suite.Options(suite.Sizes[0]).Validate();
            _ = ParseDType(suite.SaveDType);
        }
        catch (InputException e)
        {
            throw new InputException(e.Message, path, inner: e);
        }
        var names = suite.Sizes.Select(suite.Name).ToList();
        if (names.Distinct().Count() != names.Count) throw new InputException("two sizes get the same name", path);
        return suite;
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    [JsonIgnore] public IModelFamily ModelFamily => Family is null ? ModelFamilies.Default : ModelFamilies.Get(Family);

    /// <summary>The family's config for a size (GPT-NeoX: Pythia's proportions; see <see cref="IModelFamily.ForTraining"/>).</summary>
    public IModelConfig Config(SuiteSize size, int vocabularySize) =>
        ModelFamily.ForTraining(new TrainingShape(size.Layers, size.DModel, size.Heads, vocabularySize, Context, size.KeyValueHeads));

    public LmTrainingOptions Options(SuiteSize size) => new()
    {
        Context = Context,
        BatchSize = BatchSize,
        Steps = Steps,
        LearningRate = size.LearningRate,
        WarmupSteps = Warmup,
        MinLearningRateRatio = MinLearningRateRatio,
        Seed = Seed,
        Checkpoints = CheckpointSchedule.Parse(Checkpoints, Steps),
        SaveDType = ParseDType(SaveDType),
    };

    /// <summary>"&lt;prefix&gt;-&lt;non-embedding parameters&gt;", e.g. pico-13k, pico-1.2m.</summary>
    public string Name(SuiteSize size) => $"{NamePrefix}-{FormatCount(Config(size, 1).NonEmbeddingParameters)}";

    public static string FormatCount(long count) => count switch
    {
        < 1_000 => count.ToString(CultureInfo.InvariantCulture),
        < 1_000_000 => $"{Math.Round(count / 1e3).ToString(CultureInfo.InvariantCulture)}k",
        _ => $"{Math.Round(count / 1e6, 1).ToString(CultureInfo.InvariantCulture)}m",
    };

    public static SafetensorsDType ParseDType(string name) => name.ToLowerInvariant() switch
    {
        "f32" or "float32" => SafetensorsDType.F32,
        "f16" or "float16" => SafetensorsDType.F16,
        _ => throw new InputException($"save dtype '{name}' is not f16 or f32"),
    };
}
