using QuantaDiscovery.Common;
using QuantaDiscovery.Models;

namespace QuantaDiscovery.Gradients;

/// <summary>Which parameters a per-token gradient is taken with respect to, by Hugging Face name.</summary>
public sealed record ParameterFilter(string Name, Func<string, bool> Includes)
{
    /// <summary>
    /// The paper's choice (Michaud et al. 2023, §5): every parameter whose name contains neither "layernorm" nor
    /// "embed". The per-layer norms and embed_in/embed_out are left out; final_layer_norm (spelled "layer_norm") is kept.
    /// </summary>
    public static ParameterFilter Paper { get; } = new("paper",
        name => !name.Contains("layernorm", StringComparison.Ordinal) && !name.Contains("embed", StringComparison.Ordinal));

    public static ParameterFilter All { get; } = new("all", _ => true);

    /// <summary>"paper" or "all".</summary>
    public static ParameterFilter Parse(string name) => name switch
    {
        "paper" => Paper,
        "all" => All,
        _ => throw new InputException($"unknown parameter filter '{name}' (expected paper or all)"),
    };

    /// <summary>The included parameters of a model of this config, in HF order.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> Select(GptNeoXConfig config) =>
        [.. GptNeoXModel.ParameterShapes(config).Where(p => Includes(p.Name))];

    /// <summary>d: the total size of the included parameters, the length of one exact gradient.</summary>
    public long Dimension(GptNeoXConfig config) => Select(config).Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));
}
