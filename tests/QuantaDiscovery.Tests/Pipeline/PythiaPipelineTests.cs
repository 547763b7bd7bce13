using System.Text.Json;
using QuantaDiscovery.Models;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>
/// pipelines/pythia.yaml, the file itself, start to finish on a stand-in tree (`quanta standins`): the real suite's
/// names and layout with three checkpoints per size, tiny random models, 6 mini-Pile documents. The overrides shrink
/// only amounts (steps, tokens, samples, K); every stage and setting of the file runs.
/// </summary>
public class PythiaPipelineTests
{
    private static readonly string PipelinePath = TestPaths.InRepo("pipelines/pythia.yaml");

    /// <summary>The values the file ships with are the paper's (see the citations in its comments).</summary>
    [Fact]
    public async Task The_shipped_settings_are_the_papers()
    {
        var root = TestPaths.NewTempFolder();
        await StandInSuite.CreateAsync(root, TestPaths.InRepo("models/pico/tokenizer.json"), TestPaths.InRepo("data/mini-pile/test.jsonl.zst"),
            new StandInOptions { Documents = 1 });
        var definition = PipelineYaml.Load(PipelinePath, overrides: new PipelineOverrides(Root: root));
        var variables = definition.Variables!;
        Assert.Equal("-v0", variables["suite"]);
        Assert.Equal("1000..143000..1000", variables["steps"]);
        Assert.Equal("10000000", variables["fit-tokens"]);
        Assert.Equal("11000:100000", variables["step-fit-range"]);
        Assert.Equal(("0.1", "50", "10000"), (variables["qdg-max-loss"], variables["qdg-stride"], variables["qdg-samples"]));
        var k = variables["qdg-clusters"].Split(',').Select(int.Parse).ToArray();
        Assert.Equal(30, k.Length);
        Assert.Equal((10, 1500), (k[0], k[^1]));
        Assert.Equal("101:1000", variables["envelope-ranks"]);
        string Setting(string stage, string name) => definition.Stage(stage).Settings[name].Scalar!;
        Assert.Equal(("200000", "1024"), (Setting("losses", "max-documents"), Setting("losses", "context")));
        Assert.Equal(("20000", "1024"), (Setting("losses-steps", "max-documents"), Setting("losses-steps", "context")));
        Assert.Equal("true", Setting("scaling", "exclude-largest"));
        Assert.Equal("30", Setting("qdg", "n-init"));
        Assert.Equal(7, definition.Stage("onnx-final").Settings["models"].Items!.Count);
        Assert.Equal(5, definition.Stage("onnx-steps").Settings["models"].Items!.Count);
        // The full stand-in tree has every one of the 143 checkpoints of the L(S) sizes.
        Assert.Equal(143, PathGlob.Expand(Path.Combine(root, "models/pythia/pythia-70m-v0/step{1000..143000..1000}")).Count);
    }

    [Fact]
    public async Task Runs_start_to_finish_on_stand_ins()
    {
        var root = TestPaths.NewTempFolder();
        await StandInSuite.CreateAsync(root, TestPaths.InRepo("models/pico/tokenizer.json"), TestPaths.InRepo("data/mini-pile/test.jsonl.zst"),
            new StandInOptions { Steps = [1000, 72000, 143000], Documents = 6 });
        var overrides = new Dictionary<string, string>
        {
            ["steps"] = "1000..143000..71000", ["fit-tokens"] = "1000", ["step-fit-range"] = "1000:143000",
            ["qdg-max-loss"] = "100", ["qdg-stride"] = "40", ["qdg-samples"] = "60", ["qdg-clusters"] = "4,8,12",
            ["envelope-ranks"] = "2:12", ["batch-size"] = "4",
        };
        var definition = PipelineYaml.Load(PipelinePath, overrides: new PipelineOverrides(root, overrides));
        var work = Path.Combine(root, "work");
        var result = await PipelineRunner.RunAsync(definition, new PipelineRunOptions { WorkFolder = work });
        Assert.True(result.Succeeded, string.Join("; ", result.Stages.Select(s => $"{s.Name}: {s.Status} {s.Error}")));
        Assert.All(result.Stages, s => Assert.Equal(StageStatus.Done, s.Status));
        string Output(string stage) => result.Stages.Single(s => s.Name == stage).Output!;

        using var scaling = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output("scaling"), "summary.json")));
        var fit = scaling.RootElement.GetProperty("loss_vs_params");
        Assert.Equal(1000, fit.GetProperty("tokens").GetInt32());
        Assert.Equal(["pythia-6.9b-v0/step143000"], fit.GetProperty("excluded").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(6, fit.GetProperty("models").GetArrayLength());
        var all = scaling.RootElement.GetProperty("loss_vs_params_all_tokens");
        Assert.Equal(scaling.RootElement.GetProperty("tokens").GetInt32(), all.GetProperty("tokens").GetInt32());

        using var steps = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output("scaling-steps"), "summary.json")));
        var curves = steps.RootElement.GetProperty("loss_vs_step").EnumerateArray().ToArray();
        Assert.Equal(5, curves.Length);
        Assert.All(curves, c => Assert.Equal([1000L, 72000L, 143000L], c.GetProperty("steps").EnumerateArray().Select(e => e.GetInt64())));

        var kinds = scaling.RootElement.GetProperty("curve_kinds");
        long Count(string name) => kinds.GetProperty(name).GetInt64();
        Assert.Equal(scaling.RootElement.GetProperty("tokens").GetInt64(), Count("flat") + Count("monogenic") + Count("polygenic"));
        Assert.Equal(7, kinds.GetProperty("sizes").GetArrayLength());

        using var rank = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output("qdg"), "rank_frequency.json")));
        Assert.Equal(2, rank.RootElement.GetProperty("first_rank").GetInt32());
        Assert.Equal([4, 8, 12], rank.RootElement.GetProperty("k_values").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(File.Exists(Path.Combine(Output("report"), ReportIndex.FileName)));
    }
}
