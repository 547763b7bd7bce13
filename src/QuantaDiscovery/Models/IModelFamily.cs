using System.Text.Json.Nodes;

namespace QuantaDiscovery.Models;

/// <summary>
/// One architecture (a Hugging Face <c>model_type</c>): everything that differs between GPT-NeoX, Llama, … lives
/// behind this interface, in the family's own folder, and is registered by one line in <see cref="ModelFamilies"/>.
/// The parameter list builds the TorchSharp module (<see cref="CausalLanguageModel"/>); the forward pass, written
/// once against <see cref="ITensorOps{T}"/>, runs that module and writes the ONNX graph.
/// </summary>
public interface IModelFamily
{
    /// <summary>Hugging Face's model_type in config.json, e.g. "gpt_neox"; also the name <c>--family</c> takes.</summary>
    string ModelType { get; }

    /// <summary>The class name written to config.json's "architectures", e.g. "GPTNeoXForCausalLM".</summary>
    string Architecture { get; }

    /// <summary>Reads and validates config.json's fields; errors name <paramref name="path"/> and the key.</summary>
    IModelConfig ParseConfig(JsonObject json, string path);

    /// <summary>Every parameter the config implies, with Hugging Face's names, in Hugging Face's order.</summary>
    IReadOnlyList<ParameterSpec> Parameters(IModelConfig config);

    /// <summary>Tensors a checkpoint may carry that this family recomputes or ties (rotary inv_freq, a tied lm_head…).</summary>
    bool IsIgnoredTensor(IModelConfig config, string name);

    /// <summary>Hidden states after the final norm, [batch, sequence, hidden], from <see cref="ITensorOps{T}.InputIds"/>.</summary>
    T Hidden<T>(ITensorOps<T> ops, IModelConfig config);

    /// <summary>Logits [.., vocab_size] of hidden states.</summary>
    T Logits<T>(ITensorOps<T> ops, IModelConfig config, T hidden);

    /// <summary>The config of a model trained from scratch by <c>quanta train-lm</c> (this family's usual proportions).</summary>
    IModelConfig ForTraining(TrainingShape shape);
}

/// <summary>The fields of config.json every family has, and what the shared code needs of them.</summary>
/// <summary>Widths and depth of a transformer: hidden size d, layers, attention heads H and the MLP's inner width d_ff.</summary>
public sealed record ModelDimensions(int Hidden, int Layers, int Heads, int Intermediate);

public interface IModelConfig
{
    IModelFamily Family { get; }
    int VocabSize { get; }
    int MaxPositionEmbeddings { get; }

    /// <summary>Standard deviation of the initial weights (HF's initializer_range).</summary>
    double InitializerRange { get; }

    /// <summary>
    /// N of the scaling laws (Kaplan et al. 2020; Pythia's "non-embedding params"): every parameter outside the
    /// embedding and the unembedding.
    /// </summary>
    long NonEmbeddingParameters { get; }

    /// <summary>The sizes that set a forward pass's activation memory (see <see cref="Score.ScoringMemory"/>).</summary>
    ModelDimensions Dimensions { get; }

    /// <summary>Checks the fields against each other; <paramref name="path"/> names the file in errors.</summary>
    void Validate(string? path = null);

    /// <summary>config.json in Hugging Face's layout, with model_type and architectures, so transformers loads it.</summary>
    JsonObject ToJson();
}

/// <summary>
/// What a parameter does, which is what the paper's gradient filter decides by (Michaud et al. 2023, §5: no
/// embedding, no unembedding, no per-layer norms; the final norm and every layer matrix and bias are kept).
/// </summary>
public enum ParameterRole
{
    Embedding,
    Unembedding,
    /// <summary>A norm inside a layer (GPT-NeoX input_layernorm/post_attention_layernorm; Llama's likewise).</summary>
    LayerNorm,
    /// <summary>The norm after the last layer (GPT-NeoX final_layer_norm, Llama model.norm).</summary>
    FinalNorm,
    /// <summary>Attention and MLP weights and biases of a layer.</summary>
    LayerWeight,
}

/// <summary>How a parameter starts training (HF's _init_weights): N(0, initializer_range²), zeros, or ones.</summary>
public enum ParameterInit { Normal, Zeros, Ones }

/// <summary>One parameter of a family: Hugging Face name, shape, role and initialisation.</summary>
public sealed record ParameterSpec(string Name, long[] Shape, ParameterRole Role, ParameterInit Init)
{
    public long Size => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>A linear layer's weight [out, in] (normal) and, when <paramref name="bias"/>, its bias [out] (zeros).</summary>
    public static IEnumerable<ParameterSpec> Linear(string name, long inputs, long outputs, bool bias, ParameterRole role)
    {
        yield return new(name + ".weight", [outputs, inputs], role, ParameterInit.Normal);
        if (bias) yield return new(name + ".bias", [outputs], role, ParameterInit.Zeros);
    }

    /// <summary>A norm's weight [size] (ones) and, when <paramref name="bias"/>, its bias (zeros).</summary>
    public static IEnumerable<ParameterSpec> Norm(string name, long size, bool bias, ParameterRole role)
    {
        yield return new(name + ".weight", [size], role, ParameterInit.Ones);
        if (bias) yield return new(name + ".bias", [size], role, ParameterInit.Zeros);
    }
}

/// <summary>The size of a model trained from scratch; each family fills in the rest of its config.</summary>
public sealed record TrainingShape(int Layers, int DModel, int Heads, int VocabularySize, int Context, int? KeyValueHeads = null);
