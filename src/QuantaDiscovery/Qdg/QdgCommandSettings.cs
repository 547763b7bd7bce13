using QuantaDiscovery.Common;
using QuantaDiscovery.Gradients;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Select;

namespace QuantaDiscovery.Qdg;

/// <summary>The <c>qdg</c> command's flags: the stage's settings (<see cref="QdgSettings"/>) and those only the command offers.</summary>
public static class QdgCommandSettings
{
    public static readonly StageSetting Output = new("output", SettingKind.Text, "output folder", Required: true);

    public static IReadOnlyList<StageSetting> Command { get; } =
    [
        .. QdgSettings.All, Output, SelectSettings.NoInductionFilter, SelectSettings.Uniform, GradientSettings.Params, MemorySettings.MaxMemory,
    ];

    /// <summary>Parses <see cref="QdgSettings.EnvelopeRanks"/>, <c>first:last</c> with 1 ≤ first ≤ last.</summary>
    public static (int First, int Last) ParseEnvelopeRanks(string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], out int first) && int.TryParse(parts[1], out int last) && first >= 1 && last >= first)
            return (first, last);
        throw new InputException($"envelope-ranks '{text}': expected first:last with 1 ≤ first ≤ last (the paper: 101:1000)");
    }
}
