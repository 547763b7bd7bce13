using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>
/// Options have one source, the <see cref="StageSetting"/> records: the stage table of pipelines/README.md lists every
/// stage's settings with their required flags and defaults as the records hold them, and every CLI command that runs
/// a stage's step gives its flags of the same name the records' defaults.
/// </summary>
public partial class OptionTablesTests
{
    /// <summary>
    /// The commands that run a stage's step, and the stage kind whose records their flags follow. Not grok: its
    /// command's --p and --weight-decay defaults depend on --model and --constrain-norm, which the stage does not offer.
    /// </summary>
    private static readonly (string Command, string Kind)[] CommandsOfStages =
    [
        ("losses", "losses"), ("qdg", "qdg"), ("select", "qdg"), ("cluster", "qdg"), ("scaling", "scaling"), ("fit", "fit"),
        ("tokenize", "tokenize"), ("sparse-parity", "sparse-parity"), ("train-lm", "train-lm"),
    ];

    [Fact]
    public void TheReadmeStageTableListsEverySettingWithItsRecordsDefault()
    {
        var rows = ReadmeRows();
        Assert.Equal(StageCatalog.Default.Kinds.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var (kind, listed) in rows)
        {
            var settings = StageCatalog.Default.Get(kind).Settings;
            Assert.True(settings.Select(s => s.Name).Order().SequenceEqual(listed.Keys.Order()),
                $"{kind}: the README lists {string.Join(", ", listed.Keys)}; the stage declares {string.Join(", ", settings.Select(s => s.Name))}");
            foreach (var setting in settings)
            {
                var (required, shown) = listed[setting.Name];
                Assert.True(required == setting.Required, $"{kind}.{setting.Name}: required {setting.Required}, the README says {required}");
                Assert.True(shown == setting.Default, $"{kind}.{setting.Name}: default '{setting.Default}', the README says '{shown}'");
            }
        }
    }

    [Fact]
    public void EveryCommandThatRunsAStagesStepDefaultsItsFlagsAsTheRecords()
    {
        var commands = CommandCatalog.All().ToDictionary(c => c.Name);
        int compared = 0;
        foreach (var (name, kind) in CommandsOfStages)
        {
            var settings = StageCatalog.Default.Get(kind).Settings.ToDictionary(s => s.Name);
            foreach (var option in commands[name].Options)
            {
                if (!settings.TryGetValue(option.Name.TrimStart('-'), out var setting)) continue;
                string? flagDefault = option.HasDefaultValue ? Format(option.GetDefaultValue()) : null;
                string? recordDefault = setting.Kind == SettingKind.Flag && setting.Default == "false" ? null : setting.Default;
                if (flagDefault == "false" && option.ValueType == typeof(bool)) flagDefault = null; // an unset flag is false
                Assert.True(flagDefault == recordDefault, $"quanta {name} {option.Name}: default '{flagDefault}', the {kind} stage's record '{setting.Default}'");
                compared++;
            }
        }
        Assert.True(compared > 30, $"{compared} flags compared");
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        float f => f.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>The stage table: per kind, each setting listed with whether it is bold (required) and its <c>=default</c>.</summary>
    private static Dictionary<string, Dictionary<string, (bool Required, string? Default)>> ReadmeRows()
    {
        var rows = new Dictionary<string, Dictionary<string, (bool, string?)>>();
        foreach (var line in File.ReadLines(TestPaths.InRepo("pipelines/README.md")))
        {
            var match = StageRow().Match(line);
            if (!match.Success) continue;
            var settings = new Dictionary<string, (bool, string?)>();
            foreach (var item in TopLevelItems(match.Groups["settings"].Value))
            {
                var text = Regex.Replace(item, @"\s*\(.*\)$", "").Trim();
                bool required = text.StartsWith("**", StringComparison.Ordinal);
                text = text.Trim('*');
                int equals = text.IndexOf('=');
                settings[equals < 0 ? text : text[..equals]] = (required, equals < 0 ? null : text[(equals + 1)..]);
            }
            rows[match.Groups["kind"].Value] = settings;
        }
        return rows;
    }

    /// <summary>The comma-separated items of a cell, commas inside parentheses kept.</summary>
    private static IEnumerable<string> TopLevelItems(string cell)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < cell.Length; i++)
        {
            if (cell[i] == '(') depth++;
            else if (cell[i] == ')') depth--;
            else if (cell[i] == ',' && depth == 0)
            {
                yield return cell[start..i].Trim();
                start = i + 1;
            }
        }
        if (start < cell.Length) yield return cell[start..].Trim();
    }

    [GeneratedRegex(@"^\| `(?<kind>[a-z-]+)`( \(shardable\))? \| (?<settings>.*?) \| .* \|$")]
    private static partial Regex StageRow();
}
