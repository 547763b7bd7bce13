using System.Text.Json;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Cli;

/// <summary>`--preset` of `quanta grok` and `quanta bimt`: options left unset take the preset's values, set ones win.</summary>
public class ToyPresetCommandTests
{
    private static JsonElement Config(string output, string section)
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        return summary.RootElement.GetProperty(section).Clone();
    }

    [Fact]
    public async Task Grok_omnigrok_preset_sets_what_the_command_line_leaves_unset()
    {
        var output = TestPaths.NewTempFolder();
        Assert.Equal(0, await CliRun.Quiet(["grok", "--preset", "omnigrok", "--p", "7", "--steps", "1", "--output", output]));
        var config = Config(output, "config");
        Assert.Equal(("transformer", 0.3, "float64", "nanda", 42), (config.GetProperty("architecture").GetString(), config.GetProperty("train_fraction").GetDouble(),
            config.GetProperty("precision").GetString(), config.GetProperty("transformer_init").GetString(), config.GetProperty("seed").GetInt32()));
        Assert.Equal((7, 1), (config.GetProperty("modulus").GetInt32(), config.GetProperty("steps").GetInt32()));
    }

    [Fact]
    public async Task Grok_pipeline_stage_takes_the_preset_too()
    {
        var folder = TestPaths.NewTempFolder();
        var pipeline = Path.Combine(folder, "omnigrok.yaml");
        File.WriteAllText(pipeline, "stages:\n  grok:\n    kind: grok\n    preset: omnigrok\n    p: 7\n    steps: 1\n");
        Assert.Equal(0, await CliRun.Quiet(["run", pipeline, "--work", Path.Combine(folder, "work")]));
        var output = Path.GetDirectoryName(Directory.GetFiles(Path.Combine(folder, "work"), "summary.json", SearchOption.AllDirectories).Single())!;
        var config = Config(output, "config");
        Assert.Equal(("transformer", 0.3, "float64", "nanda", 42, 7), (config.GetProperty("architecture").GetString(), config.GetProperty("train_fraction").GetDouble(),
            config.GetProperty("precision").GetString(), config.GetProperty("transformer_init").GetString(), config.GetProperty("seed").GetInt32(),
            config.GetProperty("modulus").GetInt32()));
    }

    [Fact]
    public async Task Grok_light_preset_is_the_default()
    {
        var output = TestPaths.NewTempFolder();
        Assert.Equal(0, await CliRun.Quiet(["grok", "--p", "7", "--steps", "1", "--output", output]));
        var config = Config(output, "config");
        Assert.Equal(("mlp", 0.5, "float32", "fan_in", 0), (config.GetProperty("architecture").GetString(), config.GetProperty("train_fraction").GetDouble(),
            config.GetProperty("precision").GetString(), config.GetProperty("transformer_init").GetString(), config.GetProperty("seed").GetInt32()));
    }

    [Fact]
    public async Task Bimt_authors_preset_runs_float64_with_seed_4_unless_told_otherwise()
    {
        var authors = TestPaths.NewTempFolder();
        Assert.Equal(0, await CliRun.Quiet(["bimt", "--preset", "authors", "--p", "5", "--steps", "1", "--frames", "1", "--output", authors]));
        Assert.Equal(4, Config(authors, "seed").GetInt32());
        Assert.Contains("\"precision\": \"float64\"", File.ReadAllText(Path.Combine(authors, "summary.json")));
        var reseeded = TestPaths.NewTempFolder();
        Assert.Equal(0, await CliRun.Quiet(["bimt", "--preset", "authors", "--seed", "1", "--p", "5", "--steps", "1", "--frames", "1", "--output", reseeded]));
        Assert.Equal(1, Config(reseeded, "seed").GetInt32());
        Assert.Equal(2, await CliRun.Quiet(["bimt", "--preset", "paper", "--steps", "1", "--output", TestPaths.NewTempFolder()]));
    }
}
