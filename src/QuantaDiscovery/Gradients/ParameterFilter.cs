using QuantaDiscovery.Models;

namespace QuantaDiscovery.Gradients;

/// <summary>Which parameters a per-token gradient is taken with respect to, decided by each parameter's role.</summary>
public sealed record ParameterFilter(string Name, Func<ParameterSpec, bool> Includes)
{
    /// <summary>
    /// The paper's choice (Michaud et al. 2023, §5): no embedding, no unembedding, no per-layer norms; the final norm
    /// and every layer matrix and bias are kept. GPT-NeoX: embed_in, embed_out and *layernorm* are left out,
    /// final_layer_norm kept; Llama: embed_tokens, lm_head, input_layernorm and post_attention_layernorm left out, model.norm kept.
    /// </summary>
    public static ParameterFilter Paper { get; } = new("paper",
        p => p.Role is ParameterRole.LayerWeight or ParameterRole.FinalNorm);

    public static ParameterFilter All { get; } = new("all", _ => true);

    /// <summary>"paper" or "all".</summary>
    public static ParameterFilter Parse(string name) => name switch
    {
        "paper" => Paper,
        "all" => All,
        _ => throw new ArgumentException($"unknown parameter filter '{name}' (expected paper or all)", nameof(name)),
    };

    /// <summary>The included parameters of a model of this config, in HF order.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> Select(IModelConfig config) =>
        [.. config.Family.Parameters(config).Where(Includes).Select(p => (p.Name, p.Shape))];

    /// <summary>d: the total size of the included parameters, the length of one exact gradient.</summary>
    public long Dimension(IModelConfig config) => Select(config).Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));
}
