using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Corpus;
using QuantaDiscovery.Fit;
using QuantaDiscovery.Gradients;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.Onnx;
using QuantaDiscovery.Qdg;
using QuantaDiscovery.Report;
using QuantaDiscovery.Scaling;
using QuantaDiscovery.Score;
using QuantaDiscovery.Select;
using QuantaDiscovery.Similarity;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Tokenize;
using QuantaDiscovery.Toys.Bimt;
using QuantaDiscovery.Toys.Grokking;
using QuantaDiscovery.Toys.SparseParity;
using QuantaDiscovery.Train;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>
/// Options have one source, the <see cref="StageSetting"/> records: every flag of every CLI command is its command's record
/// (name, help, default, required), a stage's YAML settings are the same records as the flags of the same name, and the
/// stage table of pipelines/README.md lists every stage's settings with their required flags and defaults as the records hold them.
/// </summary>
public partial class OptionTablesTests
{
    /// <summary>Every command with the records its flags come from, and the stage kind that runs the same step (if any).</summary>
    private static readonly (string Command, IReadOnlyList<StageSetting> Records, string? Kind)[] Commands =
    [
        ("tokenize", TokenizeSettings.Command, "tokenize"),
        ("truncate-tokenizer", TokenizeSettings.TruncateCommand, "tokenize"),
        ("fit", FitSettings.Command, "fit"),
        ("scaling", ScalingSettings.Command, "scaling"),
        ("export-onnx", OnnxExportSettings.Command, "export-onnx"),
        ("losses", ScoringSettings.Command, "losses"),
        ("select", SelectSettings.Command, "qdg"),
        ("gradients", GradientSettings.Command, null),
        ("qdg", QdgCommandSettings.Command, "qdg"),
        ("browse", BrowseSettings.Command, null),
        ("cluster", ClusterSettings.Command, null), // its --clusters is a required list, not the qdg stage's default sweep
        ("similarity", SimilaritySettings.Command, null),
        ("grok", GrokSettings.Command, "grok"),
        ("grok-sweep", GrokSettings.SweepCommand, "grok"),
        ("bimt", BimtSettings.Command, null),
        ("sparse-parity", SparseParitySettings.Command, "sparse-parity"),
        ("sparse-parity-sweep", SparseParitySettings.SweepCommand, "sparse-parity"),
        ("run", RunSettings.Command, null),
        ("merge", MergeSettings.Command, null),
        ("train-lm", TrainLmSettings.Command, "train-lm"),
        ("math-questions", MathQuestionsSettings.Command, null),
        ("suite-report", SuiteReportSettings.Command, null),
        ("standins", StandInSettings.Command, null),
    ];

    /// <summary>Flags every command with a progress display shares (<see cref="ProgressReporter.AddOptions"/>), not options of a step.</summary>
    private static readonly HashSet<string> DisplayFlags = ["--quiet", "--json", "--help", "-h", "-?", "/?", "/h"];

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
    public void EveryCommandIsListedWithItsRecords() =>
        Assert.Equal(CommandCatalog.All().Select(c => c.Name).Order(StringComparer.Ordinal), Commands.Select(c => c.Command).Order(StringComparer.Ordinal));

    [Fact]
    public void EveryFlagOfEveryCommandIsItsRecord()
    {
        var commands = CommandCatalog.All().ToDictionary(c => c.Name);
        int compared = 0;
        foreach (var (name, records, _) in Commands)
        {
            var options = commands[name].Options.Where(o => !DisplayFlags.Contains(o.Name)).ToDictionary(o => o.Name.TrimStart('-'));
            Assert.True(records.Select(r => r.Name).Order(StringComparer.Ordinal).SequenceEqual(options.Keys.Order(StringComparer.Ordinal)),
                $"quanta {name}: flags {string.Join(", ", options.Keys.Order())}; records {string.Join(", ", records.Select(r => r.Name).Order())}");
            foreach (var record in records)
            {
                var option = options[record.Name];
                Assert.True(option.Description == record.Help, $"quanta {name} --{record.Name}: help '{option.Description}', the record's '{record.Help}'");
                Assert.True(option.Required == record.Required, $"quanta {name} --{record.Name}: required {option.Required}, the record {record.Required}");
                string? flagDefault = option.HasDefaultValue ? Format(option.GetDefaultValue()) : null;
                Assert.True(flagDefault == record.Default, $"quanta {name} --{record.Name}: default '{flagDefault}', the record's '{record.Default}'");
                if (record.Choices is { } choices)
                    Assert.True(option.HelpName == string.Join('|', choices), $"quanta {name} --{record.Name}: help shows '{option.HelpName}'");
                compared++;
            }
        }
        Assert.True(compared > 150, $"{compared} flags compared");
    }

    [Fact]
    public void AStagesSettingAndTheFlagOfTheSameNameAreOneRecord()
    {
        int compared = 0;
        foreach (var (name, records, kind) in Commands)
        {
            if (kind is null) continue;
            var byName = records.ToDictionary(r => r.Name);
            foreach (var setting in StageCatalog.Default.Get(kind).Settings)
            {
                if (!byName.TryGetValue(setting.Name, out var record)) continue;
                // a stage may require what a command can do without (train-lm's suite): the rest is the same record
                Assert.True(setting with { Required = record.Required } == record,
                    $"quanta {name} --{setting.Name} and the {kind} stage's '{setting.Name}' differ: {record} / {setting}");
                compared++;
            }
        }
        Assert.True(compared > 60, $"{compared} settings compared");
    }

    [Fact]
    public async Task AValueOutsideASettingsChoicesIsRefusedWithTheSameMessageOnTheCommandLineAndInYaml()
    {
        var problem = FitSettings.Form.Check("cubic");
        Assert.Equal("must be power, power-offset or zipf, not 'cubic'", problem);
        var error = new StringWriter();
        Assert.Equal(QuantaCli.InputErrorExitCode,
            await QuantaCli.RunAsync(["fit", "--input", "t.csv", "--y", "y", "--form", "cubic", "--output", "fit.json"], new StringWriter(), error));
        Assert.Contains($"--form {problem}", error.ToString());

        var (_, yaml) = PipelineYamlTests.Write("stages:\n  f:\n    kind: fit\n    input: input.txt\n    y: y\n    form: cubic\n");
        var e = Assert.Throws<QuantaDiscovery.Common.InputException>(() => PipelineYaml.Load(yaml));
        Assert.Contains($"setting 'form' {problem}", e.Message);
    }

    [Fact]
    public void EveryFlagAMarkdownFileShowsOnAQuantaCommandLineExists()
    {
        var flags = CommandCatalog.All().ToDictionary(c => c.Name, c => c.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet());
        var files = Directory.EnumerateFiles(TestPaths.RepoRoot, "*.md", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "node_modules" or "bin" or "obj" or ".git")).ToList();
        int checkedFlags = 0;
        var unknown = new List<string>();
        foreach (var file in files)
        {
            var text = Regex.Replace(File.ReadAllText(file), @"\\\n\s*", " "); // shell line continuations
            foreach (Match line in QuantaCommandLine().Matches(text))
            {
                if (!flags.TryGetValue(line.Groups["command"].Value, out var known)) continue;
                foreach (Match flag in Flag().Matches(line.Groups["rest"].Value))
                {
                    if (!known.Contains(flag.Value)) unknown.Add($"{Path.GetRelativePath(TestPaths.RepoRoot, file)}: quanta {line.Groups["command"].Value} {flag.Value}");
                    checkedFlags++;
                }
            }
        }
        Assert.Empty(unknown);
        Assert.True(checkedFlags > 100, $"{checkedFlags} flags checked in {files.Count} files");
    }

    [GeneratedRegex(@"\bquanta (?<command>[a-z-]+)(?<rest>(?: +[^\s`|]+)*)")]
    private static partial Regex QuantaCommandLine();

    [GeneratedRegex(@"(?<![\w-])--[a-z][\w-]*")]
    private static partial Regex Flag();

    private static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        float f => f.ToString(CultureInfo.InvariantCulture),
        Enum e => e.ToString().ToLowerInvariant(),
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
