namespace QuantaDiscovery.Pipeline;

/// <summary>The options of a pipeline run (the <c>run</c> command, <see cref="PipelineRunner"/>).</summary>
public static class RunSettings
{
    public static readonly StageSetting Work = new("work", SettingKind.Text, "work folder for stage outputs, manifest.json and run.log (default: the pipeline's work:)");
    public static readonly StageSetting Force = new("force", SettingKind.Text, "redo this stage and its dependents even if cached (repeatable)");
    public static readonly StageSetting Shard = new("shard", SettingKind.Text, "i/N: run only shard i of N of the data-parallel stages; a later run without --shard merges");
    public static readonly StageSetting Model = new("model", SettingKind.Text,
        "m/M: with models split over M shards, score only model m (one model/checkpoint folder of the M the losses stage lists)");
    public static readonly StageSetting Root = new("root", SettingKind.Text,
        "folder that the pipeline's relative inputs start from, instead of its root: (e.g. a stand-in tree from `quanta standins`)");
    public static readonly StageSetting Set = new("set", SettingKind.Text, "name=value: override one of the pipeline's variables: (repeatable)");

    /// <summary>The <c>run</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [Work, Force, Shard, Model, Root, Set];
}
