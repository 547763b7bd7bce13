using System.Globalization;

namespace QuantaDiscovery.Pipeline;

/// <summary>What a setting holds; <see cref="PipelineYaml"/> checks scalars against it when the file is loaded.</summary>
public enum SettingKind
{
    Integer,
    Number,
    Text,
    Flag,

    /// <summary>A file or folder read by the stage: its content enters the fingerprint (see <see cref="StageFingerprint"/>).</summary>
    InputPath,

    /// <summary>A list of files or folders; an entry whose last part holds <c>*</c> expands to the matches, in ordinal order.</summary>
    InputPaths,
}

/// <summary>
/// One option of a command, the one source of its name, kind, help and default: a pipeline stage declares its YAML
/// settings with these records, and the CLI command of the same step builds its flags (<c>--name</c>) from the same
/// records (tests/…/OptionTablesTests.cs checks the CLI defaults and the table in pipelines/README.md against them).
/// </summary>
/// <param name="Default">the value used when the YAML or the command line leaves it out (as text); null: no value</param>
/// <param name="Paper">the value of Michaud et al. (2023), where the paper has one</param>
/// <param name="Choices">the values a text setting allows (null: any); <see cref="Check"/> enforces them for the YAML and the CLI alike</param>
public sealed record StageSetting(string Name, SettingKind Kind, string Description, bool Required = false, string? Default = null,
    string? Paper = null, IReadOnlyList<string>? Choices = null)
{
    /// <summary>The help line: the description with the paper's value, where it has one.</summary>
    public string Help => Paper is { } paper ? $"{Description} (the paper: {paper})" : Description;

    /// <summary>What is wrong with <paramref name="text"/> as a value of this setting (e.g. "must be a whole number, not 'x'"); null when it is fine.</summary>
    public string? Check(string text)
    {
        bool ok = Kind switch
        {
            SettingKind.Integer => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            SettingKind.Number => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            SettingKind.Flag => text is "true" or "false",
            _ => true,
        };
        if (!ok) return $"must be {Kind switch { SettingKind.Flag => "true or false", SettingKind.Integer => "a whole number", _ => "a number" }}, not '{text}'";
        if (Choices is { } choices && !choices.Contains(text, StringComparer.Ordinal))
            return $"must be {string.Join(", ", choices.SkipLast(1))}{(choices.Count > 1 ? " or " : "")}{choices[^1]}, not '{text}'";
        return null;
    }
}

/// <summary>
/// A kind of pipeline stage. Adding one is a small class: name its settings, read them from the
/// <see cref="StageContext"/>, write files into <see cref="StageContext.OutputFolder"/>, and register it in
/// <see cref="StageCatalog"/>. The runner does the rest: fingerprints, caching, atomic output, progress, the log.
/// </summary>
public abstract class PipelineStage
{
    /// <summary>The <c>kind:</c> in YAML, e.g. <c>losses</c>.</summary>
    public abstract string Kind { get; }

    public abstract string Description { get; }

    /// <summary>
    /// The version of the code that computes the stage: the module version id of the assembly that defines it, which the
    /// (deterministic) compiler derives from the code itself, so any change of the code invalidates cached outputs and
    /// a rebuild of the same code does not. No hand-bumped numbers.
    /// </summary>
    public string CodeVersion => GetType().Assembly.ManifestModule.ModuleVersionId.ToString("N");

    public abstract IReadOnlyList<StageSetting> Settings { get; }

    /// <summary>Data-parallel: runs on one <see cref="Shard"/> of its data with <c>--shard i/N</c>, and has <see cref="MergeShardsAsync"/>.</summary>
    public virtual bool Shardable => false;

    /// <summary>Writes the stage's outputs into <see cref="StageContext.OutputFolder"/> (a private folder renamed into place when this returns).</summary>
    public abstract Task RunAsync(StageContext context, CancellationToken cancellationToken);

    /// <summary>Combines complete shard outputs, given in shard order, into one output folder equal to an unsharded run's.</summary>
    public virtual Task MergeShardsAsync(IReadOnlyList<string> shardFolders, string outputFolder, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"stage kind '{Kind}' cannot be sharded");
}

/// <summary>
/// Progress of one stage: a short line for the display and, when known, the fraction done; <paramref name="Finished"/>
/// is set once, when the stage's outcome is known.
/// </summary>
public sealed record StageProgress(string Stage, string Detail, double? Fraction = null, StageStatus? Finished = null);
