using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Qdg;

namespace QuantaDiscovery.Select;

/// <summary>
/// The options of token selection (the <c>select</c> command; the <c>qdg</c> stage and command share
/// <see cref="QdgSettings"/>' selection records and these flags).
/// </summary>
public static class SelectSettings
{
    public static readonly StageSetting NoInductionFilter = new("no-induction-filter", SettingKind.Flag,
        "keep tokens whose trigram occurred earlier in the document (the paper removes them)", Default: "false", Paper: "false");
    public static readonly StageSetting Uniform = new("uniform", SettingKind.Flag, "a seeded uniform sample instead of the stride", Default: "false", Paper: "false");
    public static readonly StageSetting LossColumn = new("loss-column", SettingKind.Text, "loss column of a loss matrix (default: the only one)");
    public static readonly StageSetting Output = new("output", SettingKind.Text, "output folder: samples.parquet, selection.json", Required: true);

    /// <summary>The <c>select</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } =
    [
        QdgSettings.Losses, QdgSettings.Corpus, QdgSettings.Model, Output, QdgSettings.MaxLoss, QdgSettings.Samples, QdgSettings.Stride,
        QdgSettings.MaxSetShare, NoInductionFilter, Uniform, QdgSettings.Seed, QdgSettings.Context, LossColumn,
    ];
}
