using System.Globalization;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Pipeline;

/// <summary>A setting after <c>${stage.output}</c> substitution, path resolution and glob expansion.</summary>
public sealed record ResolvedSetting(StageSetting Setting, IReadOnlyList<string> Values, SourceLocation? Location);

/// <summary>What a <see cref="PipelineStage"/> sees while it runs: its settings, its output folder, its shard.</summary>
public sealed class StageContext(
    string stageName,
    IReadOnlyDictionary<string, ResolvedSetting> settings,
    string outputFolder,
    Shard? shard,
    IProgress<StageProgress>? progress,
    Action<string> log,
    string workFolder,
    bool forced = false)
{
    public string StageName { get; } = stageName;

    /// <summary>An empty folder of the stage's own; the runner renames it into place once the stage succeeds.</summary>
    public string OutputFolder { get; } = outputFolder;

    /// <summary>The shard to process, for a <see cref="PipelineStage.Shardable"/> stage run with <c>--shard</c>.</summary>
    public Shard? Shard { get; } = shard;

    public void Report(string detail, double? fraction = null) => progress?.Report(new StageProgress(StageName, detail, fraction));

    /// <summary>A line for run.log.</summary>
    public void Log(string message) => log($"{StageName}: {message}");

    /// <summary>
    /// Where the stage's steps are cached (<see cref="CachedSteps"/>): <c>&lt;work&gt;/&lt;stage&gt;/steps/</c>, beside its
    /// fingerprint folders, shared by every run of the stage.
    /// </summary>
    /// <summary>The run's work folder (holding manifest.json and every stage's outputs).</summary>
    public string WorkFolder { get; } = workFolder;

    public string StepCacheFolder => System.IO.Path.Combine(WorkFolder, StageName, "steps");

    /// <summary>The run redoes this stage (<c>--force</c>): cached steps are recomputed too.</summary>
    public bool Forced { get; } = forced;

    /// <summary>What identifies an input setting's content wherever the study lies (<see cref="StageFingerprint.InputIdentity"/>).</summary>
    public string InputIdentity(string name) => StageFingerprint.InputIdentity(Get(name).Values, WorkFolder);

    public bool Has(string name) => Get(name).Values.Count > 0;

    public string Text(string name) => Single(name);

    public string? OptionalText(string name) => Has(name) ? Single(name) : null;

    public int Integer(string name) => (int)Parse(name, Single(name));

    public long? OptionalLong(string name) => Has(name) ? Parse(name, Single(name)) : null;

    public double Number(string name) => double.Parse(Single(name), NumberStyles.Float, CultureInfo.InvariantCulture);

    public bool Flag(string name) => Has(name) && bool.Parse(Single(name));

    public string Path(string name) => Single(name);

    public string? OptionalPath(string name) => Has(name) ? Single(name) : null;

    public IReadOnlyList<string> Paths(string name) => Get(name).Values;

    /// <summary>An error about a setting's value, pointing at where the YAML file sets it.</summary>
    public InputException Error(string name, string message)
    {
        var location = Get(name).Location;
        return location is null
            ? new InputException($"stage '{StageName}', setting '{name}': {message}")
            : new InputException($"stage '{StageName}', setting '{name}': {message}", location.File, location.Line, column: location.Column);
    }

    private ResolvedSetting Get(string name) =>
        settings.TryGetValue(name, out var value) ? value : throw new ArgumentException($"stage '{StageName}' declares no setting '{name}'", nameof(name));

    private string Single(string name)
    {
        var values = Get(name).Values;
        return values.Count == 1 ? values[0] : throw Error(name, values.Count == 0 ? "a value is required" : "one value expected, not a list");
    }

    private long Parse(string name, string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value : throw Error(name, $"'{text}' is not a whole number");
}
