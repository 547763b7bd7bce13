namespace QuantaDiscovery.Pipeline;

/// <summary>A place in a pipeline YAML file (1-based line and column), for error messages.</summary>
public sealed record SourceLocation(string File, long Line, long Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>
/// One setting of a stage as written: a scalar or a list of scalars. Text may hold <c>${stage.output}</c>
/// references; <see cref="PipelineDefinition"/> keeps them unresolved so fingerprints do not depend on where the
/// work folder lives.
/// </summary>
public sealed record SettingValue(string? Scalar, IReadOnlyList<SettingValue>? Items, SourceLocation Location)
{
    public bool IsList => Items is not null;

    public IEnumerable<SettingValue> Scalars() => Items ?? [this];
}

/// <param name="Name">the stage's key under <c>stages:</c>; its output is <c>${Name.output}</c></param>
/// <param name="Kind">which <see cref="PipelineStage"/> runs it (e.g. <c>losses</c>)</param>
/// <param name="After">stages that must finish first besides those its settings reference</param>
public sealed record StageDefinition(string Name, string Kind, IReadOnlyDictionary<string, SettingValue> Settings,
    IReadOnlyList<string> After, SourceLocation Location);

/// <summary>A parsed pipeline file: see <see cref="PipelineYaml"/> for the schema.</summary>
/// <param name="Root">folder that relative input paths are resolved against</param>
/// <param name="Work">default work folder (stage outputs, manifest.json, run.log)</param>
/// <param name="Stages">in the order written; <see cref="PipelineYaml"/> checks the references form no cycle</param>
/// <param name="Variables">the <c>variables:</c> after <c>--set</c> overrides (already substituted into the settings)</param>
public sealed record PipelineDefinition(string Path, string Name, string Root, string Work, IReadOnlyList<StageDefinition> Stages,
    IReadOnlyDictionary<string, string>? Variables = null)
{
    public StageDefinition Stage(string name) =>
        Stages.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"no stage named '{name}' in {Path}", nameof(name));
}

/// <summary>
/// What <c>quanta run</c> changes in a pipeline file without editing it: the root that relative inputs start from
/// (e.g. a stand-in tree with the real suite's layout) and values of its declared <c>variables:</c>.
/// </summary>
public sealed record PipelineOverrides(string? Root = null, IReadOnlyDictionary<string, string>? Variables = null);
