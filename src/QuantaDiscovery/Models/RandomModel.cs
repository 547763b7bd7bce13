namespace QuantaDiscovery.Models;

/// <summary>
/// Random checkpoints of any family in Hugging Face's layout, initialised as <c>quanta train-lm</c> starts training
/// (<see cref="CausalLanguageModel.Initialize"/>: HF's _init_weights).
/// </summary>
public static class RandomModel
{
    /// <summary>Writes config.json and model.safetensors (F32) into <paramref name="directory"/> and returns the folder.</summary>
    public static ModelFolder Create(string directory, IModelConfig config, int seed)
    {
        using var model = new CausalLanguageModel(config);
        model.Initialize(seed);
        Directory.CreateDirectory(directory);
        model.SaveSafetensors(Path.Combine(directory, ModelFolder.SafetensorsFileName));
        config.Save(Path.Combine(directory, ModelFolder.ConfigFileName));
        return ModelFolder.Open(directory);
    }
}
