namespace QuantaDiscovery.Models;

/// <summary>
/// Random GPT-NeoX checkpoints in Hugging Face's layout, initialised as HF's GPTNeoXPreTrainedModel._init_weights
/// does: weights of linear layers and embeddings ~ N(0, initializer_range²), biases 0, layer norms weight 1, bias 0.
/// </summary>
public static class RandomGptNeoX
{
    /// <summary>Writes config.json and model.safetensors (F32) into <paramref name="directory"/> and returns the folder.</summary>
    public static ModelFolder Create(string directory, GptNeoXConfig config, int seed)
    {
        config.Validate();
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        var tensors = new List<(string, long[], ReadOnlyMemory<float>)>();
        foreach (var (name, shape) in GptNeoXModel.ParameterShapes(config))
        {
            var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            bool isLayerNorm = name.Contains("layernorm", StringComparison.Ordinal) || name.Contains("layer_norm", StringComparison.Ordinal);
            if (isLayerNorm && name.EndsWith(".weight", StringComparison.Ordinal))
                values.AsSpan().Fill(1f);
            else if (!name.EndsWith(".bias", StringComparison.Ordinal))
                FillNormal(values, config.InitializerRange, random);
            tensors.Add((name, shape, values));
        }
        SafetensorsFile.Write(Path.Combine(directory, ModelFolder.SafetensorsFileName), tensors);
        config.Save(Path.Combine(directory, ModelFolder.ConfigFileName));
        return ModelFolder.Open(directory);
    }

    /// <summary>N(0, std²) samples by the Box–Muller transform.</summary>
    private static void FillNormal(Span<float> values, double std, Random random)
    {
        for (int i = 0; i < values.Length; i += 2)
        {
            double radius = std * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            double angle = 2 * Math.PI * random.NextDouble();
            values[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < values.Length) values[i + 1] = (float)(radius * Math.Sin(angle));
        }
    }
}
