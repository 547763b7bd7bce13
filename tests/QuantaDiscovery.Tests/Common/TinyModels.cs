using QuantaDiscovery.Models;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Models.Llama;
using QuantaDiscovery.Models.Onnx;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Tests.Common;

/// <summary>Random tiny GPT-NeoX model folders that carry a truncated Pythia tokenizer, as tests across stages need.</summary>
public static class TinyModels
{
    private static readonly Lazy<ByteLevelBpeTokenizer> Pythia =
        new(() => ByteLevelBpeTokenizer.Load(TestPaths.InRepo("models/tokenizers/gpt-neox-20b/tokenizer.json")));

    /// <summary>Pythia's tokenizer cut to its first 300 merges (568 tokens).</summary>
    public static ByteLevelBpeTokenizer Tokenizer { get; } = Pythia.Value.Truncate(300);

    /// <summary>
    /// Writes a random model (config.json, model.safetensors, tokenizer.json; model.onnx when asked) into
    /// <paramref name="directory"/>; the vocabulary is the tokenizer's plus <paramref name="extraVocabulary"/>.
    /// </summary>
    public static ModelFolder Create(string directory, int seed, int hidden = 16, int layers = 1, int heads = 2,
        bool parallelResidual = true, int extraVocabulary = 0, bool exportOnnx = false)
    {
        var model = RandomModel.Create(directory, new GptNeoXConfig
        {
            HiddenSize = hidden, NumHiddenLayers = layers, NumAttentionHeads = heads, IntermediateSize = 2 * hidden,
            VocabSize = Tokenizer.VocabularySize + extraVocabulary, MaxPositionEmbeddings = 64, UseParallelResidual = parallelResidual,
        }, seed);
        Tokenizer.Save(model.TokenizerPath);
        if (exportOnnx) OnnxExporter.Export(model);
        return model;
    }

    /// <summary>A random Llama model folder (grouped-query attention: 4 query heads, 2 key/value heads) with the tokenizer.</summary>
    public static ModelFolder CreateLlama(string directory, int seed, int hidden = 32, int layers = 2)
    {
        var model = RandomModel.Create(directory, new LlamaConfig
        {
            HiddenSize = hidden, IntermediateSize = 2 * hidden, NumHiddenLayers = layers, NumAttentionHeads = 4, NumKeyValueHeads = 2,
            VocabSize = Tokenizer.VocabularySize, MaxPositionEmbeddings = 64, InitializerRange = 0.2,
        }, seed);
        Tokenizer.Save(model.TokenizerPath);
        return model;
    }
}
