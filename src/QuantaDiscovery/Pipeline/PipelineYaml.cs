using System.Globalization;
using System.Text.RegularExpressions;
using QuantaDiscovery.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace QuantaDiscovery.Pipeline;

/// <summary>
/// Reads a pipeline file:
/// <code>
/// name: demo                  # optional; default: the file name
/// root: ..                    # relative input paths start here (relative to this file); default: this file's folder
/// work: work/demo             # stage outputs, manifest.json, run.log (relative to root); default: work/&lt;name&gt;
/// variables:                  # optional: named values, written ${vars.name} in any setting; `quanta run --set name=value` overrides
///   documents: 300
/// stages:
///   losses:                   # the stage's name; others refer to its folder as ${losses.output}
///     kind: losses            # a kind from StageCatalog
///     after: [onnx]           # optional: extra ordering besides ${…} references
///     models: ["${onnx.output}/*"]
///     corpus: data/mini-pile/test.jsonl.zst
///     context: 256
/// </code>
/// Every mistake (YAML syntax, unknown key, stage kind or setting, a value of the wrong type, a missing input file,
/// a reference to an undefined stage, a cycle) is an <see cref="InputException"/> at file:line:column.
/// </summary>
public static partial class PipelineYaml
{
    [GeneratedRegex(@"\$\{([^}.]*)\.?([^}]*)\}")]
    private static partial Regex ReferencePattern();

    /// <summary>The stages a text refers to with <c>${stage.output}</c>.</summary>
    public static IEnumerable<string> References(string text) => ReferencePattern().Matches(text).Select(m => m.Groups[1].Value);

    /// <summary>Replaces each <c>${stage.output}</c> with <paramref name="outputOf"/>(stage).</summary>
    public static string Substitute(string text, Func<string, string> outputOf) =>
        ReferencePattern().Replace(text, m => outputOf(m.Groups[1].Value));

    [GeneratedRegex(@"\$\{vars\.([^}]*)\}")]
    private static partial Regex VariablePattern();

    /// <summary>The prefix of variable references, <c>${vars.name}</c>; no stage may be named <c>vars</c>.</summary>
    public const string VariablesKey = "vars";

    public static PipelineDefinition Load(string path, StageCatalog? catalog = null, PipelineOverrides? overrides = null)
    {
        if (!File.Exists(path)) throw new InputException("pipeline file not found", path);
        return Parse(File.ReadAllText(path), Path.GetFullPath(path), catalog ?? StageCatalog.Default, overrides);
    }

    public static PipelineDefinition Parse(string text, string path, StageCatalog catalog, PipelineOverrides? overrides = null)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InputException($"YAML syntax: {e.InnerException?.Message ?? e.Message}", path, e.Start.Line, inner: e, column: e.Start.Column);
        }
        if (stream.Documents.Count != 1)
            throw new InputException("expected exactly one YAML document", path, 1, column: 1);
        var top = stream.Documents[0].RootNode as YamlMappingNode
                  ?? throw Error(path, stream.Documents[0].RootNode, "the pipeline must be a mapping with a 'stages:' key");

        string? name = null, root = null, work = null;
        YamlMappingNode? stagesNode = null;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in top.Children)
        {
            switch (Key(path, keyNode))
            {
                case "name": name = ScalarText(path, valueNode, "name"); break;
                case "root": root = ScalarText(path, valueNode, "root"); break;
                case "work": work = ScalarText(path, valueNode, "work"); break;
                case "variables":
                    var variablesNode = valueNode as YamlMappingNode ?? throw Error(path, valueNode, "'variables' must map names to values");
                    foreach (var (variableKey, variableValue) in variablesNode.Children)
                        variables[Key(path, variableKey)] = ScalarText(path, variableValue, Key(path, variableKey));
                    break;
                case "stages":
                    stagesNode = valueNode as YamlMappingNode ?? throw Error(path, valueNode, "'stages' must map stage names to stages");
                    break;
                default:
                    throw Error(path, keyNode, $"unknown key '{Key(path, keyNode)}' (expected name, root, work, variables, stages)");
            }
        }
        if (stagesNode is null || stagesNode.Children.Count == 0) throw Error(path, top, "no stages: add a 'stages:' mapping");

        foreach (var (variable, value) in overrides?.Variables ?? new Dictionary<string, string>())
        {
            if (!variables.ContainsKey(variable))
                throw new InputException($"--set {variable}: the pipeline declares no such variable (variables: " +
                                         $"{(variables.Count == 0 ? "none" : string.Join(", ", variables.Keys))})", path);
            variables[variable] = value;
        }
        var folder = Path.GetDirectoryName(path)!;
        var rootFolder = overrides?.Root is { } rootOverride ? Path.GetFullPath(rootOverride) : Path.GetFullPath(Path.Combine(folder, root ?? "."));
        name ??= Path.GetFileNameWithoutExtension(path);
        var workFolder = Path.GetFullPath(Path.Combine(rootFolder, work ?? Path.Combine("work", name)));

        var stages = new List<StageDefinition>();
        foreach (var (keyNode, valueNode) in stagesNode.Children)
            stages.Add(ParseStage(path, Key(path, keyNode), keyNode, valueNode, catalog, variables));
        var definition = new PipelineDefinition(path, name, rootFolder, workFolder, stages, variables);
        Validate(definition, catalog);
        return definition;
    }

    /// <summary>The stages <paramref name="stage"/> depends on: those its settings reference, then its <c>after</c> list.</summary>
    public static IReadOnlyList<string> Dependencies(StageDefinition stage) =>
        stage.Settings.Values.SelectMany(v => v.Scalars()).SelectMany(v => References(v.Scalar!)).Concat(stage.After).Distinct().ToList();

    private static StageDefinition ParseStage(string path, string name, YamlNode keyNode, YamlNode valueNode, StageCatalog catalog,
        IReadOnlyDictionary<string, string> variables)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw Error(path, keyNode, $"stage name '{name}': use letters, digits, '-' and '_'");
        if (name == VariablesKey) throw Error(path, keyNode, $"stage name '{VariablesKey}' is reserved for ${{{VariablesKey}.name}} variables");
        var mapping = valueNode as YamlMappingNode ?? throw Error(path, valueNode, $"stage '{name}' must be a mapping with a 'kind:'");
        string? kind = null;
        var after = new List<string>();
        var settings = new Dictionary<string, SettingValue>(StringComparer.Ordinal);
        foreach (var (settingKey, settingValue) in mapping.Children)
        {
            var key = Key(path, settingKey);
            if (key == "kind")
            {
                kind = ScalarText(path, settingValue, "kind");
                if (!catalog.TryGet(kind, out _))
                    throw Error(path, settingValue, $"unknown stage kind '{kind}' (known: {string.Join(", ", catalog.Kinds)})");
            }
            else if (key == "after")
                after.AddRange(Value(path, settingValue, variables).Scalars().Select(s => s.Scalar!));
            else
                settings[key] = Value(path, settingValue, variables);
        }
        if (kind is null) throw Error(path, keyNode, $"stage '{name}' has no 'kind:'");
        return new StageDefinition(name, kind, settings, after, Location(path, keyNode));
    }

    private static void Validate(PipelineDefinition definition, StageCatalog catalog)
    {
        var names = definition.Stages.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var stage in definition.Stages)
        {
            var kind = catalog.Get(stage.Kind);
            var declared = kind.Settings.ToDictionary(s => s.Name, StringComparer.Ordinal);
            foreach (var (key, value) in stage.Settings)
            {
                if (!declared.TryGetValue(key, out var setting))
                    throw Error(value.Location, $"unknown setting '{key}' for a '{stage.Kind}' stage (settings: {string.Join(", ", kind.Settings.Select(s => s.Name))})");
                CheckValue(definition, names, stage, setting, value);
            }
            foreach (var missing in kind.Settings.Where(s => s.Required && !stage.Settings.ContainsKey(s.Name)))
                throw Error(stage.Location, $"stage '{stage.Name}' ({stage.Kind}) needs the setting '{missing.Name}': {missing.Description}");
            foreach (var other in stage.After.Where(a => !names.Contains(a)))
                throw Error(stage.Location, $"stage '{stage.Name}': 'after' names no stage '{other}'");
        }
        CheckAcyclic(definition);
    }

    private static void CheckValue(PipelineDefinition definition, HashSet<string> names, StageDefinition stage, StageSetting setting, SettingValue value)
    {
        if (value.IsList && setting.Kind != SettingKind.InputPaths)
            throw Error(value.Location, $"setting '{setting.Name}' takes one value, not a list");
        foreach (var item in value.Scalars())
        {
            var text = item.Scalar!;
            foreach (Match reference in ReferencePattern().Matches(text))
            {
                if (!names.Contains(reference.Groups[1].Value))
                    throw Error(item.Location, $"'{reference.Value}' refers to no stage named '{reference.Groups[1].Value}'");
                if (reference.Groups[2].Value != "output")
                    throw Error(item.Location, $"'{reference.Value}': a stage offers only '${{{reference.Groups[1].Value}.output}}'");
                if (reference.Groups[1].Value == stage.Name)
                    throw Error(item.Location, $"stage '{stage.Name}' cannot read its own output");
            }
            if (setting.Check(text) is { } problem)
                throw Error(item.Location, $"setting '{setting.Name}' {problem}");
            if (setting.Kind is SettingKind.InputPath or SettingKind.InputPaths && !text.Contains("${", StringComparison.Ordinal))
            {
                var full = Path.GetFullPath(Path.Combine(definition.Root, text));
                if (PathGlob.FirstMissing(full) is { } missing) throw Error(item.Location, $"input not found: {missing}");
            }
        }
    }

    private static void CheckAcyclic(PipelineDefinition definition)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1: visiting, 2: done
        void Visit(StageDefinition stage)
        {
            if (state.GetValueOrDefault(stage.Name) == 2) return;
            if (state.GetValueOrDefault(stage.Name) == 1)
                throw Error(stage.Location, $"stage '{stage.Name}' depends on itself through its inputs");
            state[stage.Name] = 1;
            foreach (var dependency in Dependencies(stage)) Visit(definition.Stage(dependency));
            state[stage.Name] = 2;
        }
        foreach (var stage in definition.Stages) Visit(stage);
    }

    private static SettingValue Value(string path, YamlNode node, IReadOnlyDictionary<string, string> variables) => node switch
    {
        YamlScalarNode scalar => new SettingValue(SubstituteVariables(path, scalar, variables), null, Location(path, node)),
        YamlSequenceNode sequence => new SettingValue(null, sequence.Children.Select(child => child is YamlScalarNode
            ? Value(path, child, variables) : throw Error(path, child, "list entries must be plain values")).ToList(), Location(path, node)),
        _ => throw Error(path, node, "a setting is a value or a list of values"),
    };

    /// <summary>Replaces each <c>${vars.name}</c> with the variable's value (after any <c>--set</c>), at parse time.</summary>
    private static string SubstituteVariables(string path, YamlScalarNode scalar, IReadOnlyDictionary<string, string> variables) =>
        VariablePattern().Replace(scalar.Value ?? "", m => variables.TryGetValue(m.Groups[1].Value, out var value)
            ? value
            : throw Error(path, scalar, $"'{m.Value}' names no variable (variables: {(variables.Count == 0 ? "none" : string.Join(", ", variables.Keys))})"));

    private static string Key(string path, YamlNode node) =>
        node is YamlScalarNode { Value: { } key } ? key : throw Error(path, node, "keys must be plain names");

    private static string ScalarText(string path, YamlNode node, string key) =>
        node is YamlScalarNode { Value: { } text } ? text : throw Error(path, node, $"'{key}' must be a single value");

    private static SourceLocation Location(string path, YamlNode node) => new(path, node.Start.Line, node.Start.Column);

    private static InputException Error(string path, YamlNode node, string message) => Error(Location(path, node), message);

    internal static InputException Error(SourceLocation location, string message) =>
        new(message, location.File, location.Line, column: location.Column);
}
