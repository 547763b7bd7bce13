using System.Text.Json;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>
/// pipelines/pico.yaml, the file itself, start to finish: the overrides swap in a two-size suite of 8 updates and a
/// 40-document corpus (the shipped test split's first documents) and shrink the tokenizer; every stage runs.
/// </summary>
public class PicoPipelineTests
{
    [Fact]
    public async Task Runs_start_to_finish_on_a_tiny_suite()
    {
        var folder = TestPaths.NewTempFolder();
        var corpus = Path.Combine(folder, "corpus.jsonl");
        File.WriteAllLines(corpus, ReadLines(TestPaths.InRepo("data/mini-pile/test.jsonl.zst")).Take(40));
        var suite = Path.Combine(folder, "suite.json");
        File.WriteAllText(suite, """
            { "name_prefix": "tiny", "context": 32, "batch_size": 2, "steps": 8, "seed": 0, "checkpoints": "pythia",
              "sizes": [ { "layers": 1, "d_model": 8, "heads": 1, "lr": 0.01 }, { "layers": 1, "d_model": 16, "heads": 2, "lr": 0.01 } ] }
            """);
        var overrides = new Dictionary<string, string>
        {
            ["suite"] = suite, ["train-corpus"] = corpus, ["test-corpus"] = corpus, ["merges"] = "200", ["test-documents"] = "6",
            ["context"] = "32",
        };
        var definition = PipelineYaml.Load(TestPaths.InRepo("pipelines/pico.yaml"), overrides: new PipelineOverrides(Variables: overrides));

        var result = await PipelineRunner.RunAsync(definition, new PipelineRunOptions { WorkFolder = Path.Combine(folder, "work") });

        Assert.True(result.Succeeded, string.Join("; ", result.Stages.Select(s => $"{s.Name}: {s.Status} {s.Error}")));
        Assert.Equal(["tokenize", "train", "onnx", "losses", "scaling", "report"], result.Stages.Select(s => s.Name));
        string Output(string stage) => result.Stages.Single(s => s.Name == stage).Output!;
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output("scaling"), "summary.json")));
        var curves = summary.RootElement.GetProperty("loss_vs_step").EnumerateArray().ToArray();
        Assert.Equal(2, curves.Length); // both sizes, each over its checkpoints: every step of 0–8
        Assert.All(curves, c => Assert.Equal(Enumerable.Range(0, 9).Select(s => (long)s), c.GetProperty("steps").EnumerateArray().Select(e => e.GetInt64())));
        Assert.True(File.Exists(Path.Combine(Output("report"), ReportIndex.FileName)));
    }

    private static IEnumerable<string> ReadLines(string zstPath)
    {
        using var reader = new StreamReader(new ZstdSharp.DecompressionStream(File.OpenRead(zstPath)));
        while (reader.ReadLine() is { } line) yield return line;
    }
}
