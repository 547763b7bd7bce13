using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Score;

/// <summary>The options of merging losses shards (the <c>merge</c> command, <see cref="LossShardMerge"/>).</summary>
public static class MergeSettings
{
    public static readonly StageSetting Inputs = new("inputs", SettingKind.InputPaths,
        "shard output folders in order, or a <stage>/<fingerprint>.shards folder holding i-of-N folders", Required: true);
    public static readonly StageSetting Output = new("output", SettingKind.Text, "folder for the merged tables, loss_matrix.npy and models.csv", Required: true);

    /// <summary>The <c>merge</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [Inputs, Output];
}
