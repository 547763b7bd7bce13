using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tables;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>
/// The study pipeline end to end on two tiny random GPT-NeoX models (export-onnx → losses → scaling → report):
/// three shards run by `quanta run --shard i/3` and merged equal one unsharded run row for row, `quanta merge`
/// gives the same, and every link and image of report/index.html resolves.
/// </summary>
public partial class ShardedPipelineTests
{
    private static readonly string[] Texts =
    [
        "The quick brown fox jumps over the lazy dog.",
        "def add(x, y):\n    return x + y\n",
        "",
        "Hello world, hello world, hello world.",
        "a",
        "Numbers: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10.",
        "Once upon a time there was a tokenizer.",
    ];

    /// <summary>
    /// Two tiny random models, a 7-document corpus and study.yaml over them: export-onnx, losses, scaling and report;
    /// with <paramref name="everyAnalysis"/> also qdg on the small model, a grokking run and a sparse-parity run, each tiny.
    /// </summary>
    internal static string CreateStudy(string folder, bool everyAnalysis = false)
    {
        var tokenizer = ByteLevelBpeTokenizer.Load(TestPaths.InRepo("models/tokenizers/gpt-neox-20b/tokenizer.json")).Truncate(300);
        foreach (var (name, layers, seed) in new[] { ("small", 1, 1), ("large", 2, 2) })
        {
            var config = new GptNeoXConfig
            {
                HiddenSize = 16 * layers, NumHiddenLayers = layers, NumAttentionHeads = 2, IntermediateSize = 32 * layers,
                VocabSize = tokenizer.VocabularySize, MaxPositionEmbeddings = 32,
            };
            var model = RandomModel.Create(Path.Combine(folder, "models", name), config, seed);
            tokenizer.Save(model.TokenizerPath);
        }
        File.WriteAllLines(Path.Combine(folder, "corpus.jsonl"),
            Texts.Select((t, i) => JsonSerializer.Serialize(new { text = t, meta = new { pile_set_name = i % 2 == 0 ? "Prose" : "Code" } })));
        var pipeline = Path.Combine(folder, "study.yaml");
        const string Analyses = """
              qdg:
                kind: qdg
                model: models/small
                corpus: corpus.jsonl
                losses: ${losses.output}/losses/small.parquet
                context: 16
                max-loss: 100
                stride: 1
                samples: 40
                clusters: 2,3
                n-init: 3
                alpha-n: ${scaling.output}/summary.json
              grok:
                kind: grok
                p: 7
                steps: 30
              parity:
                kind: sparse-parity
                n-tasks: 4
                n: 8
                k: 2
                width: 16
                batch: 64
                steps: 60
                eval-every: 20
                threads: 1

            """;
        File.WriteAllText(pipeline, $$"""
            stages:
              onnx:
                kind: export-onnx
                models: [models/small, models/large]
              losses:
                kind: losses
                models: ["${onnx.output}/*"]
                corpus: corpus.jsonl
                context: 16
                batch-size: 4
                threads: 1
              scaling:
                kind: scaling
                losses: ${losses.output}/loss_matrix.parquet
                params: ${losses.output}/models.csv
            {{(everyAnalysis ? Analyses : "")}}  report:
                kind: report
                include: ["${scaling.output}", "${losses.output}"{{(everyAnalysis ? ", \"${qdg.output}\", \"${grok.output}\", \"${parity.output}\"" : "")}}]
            """);
        return pipeline;
    }

    [Fact]
    public async Task ThreeShardsMergedEqualOneProcessAndTheReportLinksResolve()
    {
        var folder = TestPaths.NewTempFolder();
        var pipeline = CreateStudy(folder);
        string single = Path.Combine(folder, "single"), sharded = Path.Combine(folder, "sharded");

        Assert.Equal(0, await CliRun.Quiet(["run", pipeline, "--work", single]));
        for (int shard = 0; shard < 3; shard++)
            Assert.Equal(0, await CliRun.Quiet(["run", pipeline, "--work", sharded, "--shard", $"{shard}/3"]));
        var afterShards = JsonDocument.Parse(File.ReadAllText(Path.Combine(sharded, "manifest.json"))).RootElement;
        Assert.True(afterShards.TryGetProperty("losses[2/3]", out _));
        Assert.False(afterShards.TryGetProperty("scaling", out _), "downstream stages must wait for the merge");

        var merged = await PipelineRunner.RunAsync(PipelineYaml.Load(pipeline), new PipelineRunOptions { WorkFolder = sharded });
        var outcomes = merged.Stages.ToDictionary(s => s.Name);
        Assert.Equal(StageStatus.Cached, outcomes["onnx"].Status);
        Assert.Equal(StageStatus.Merged, outcomes["losses"].Status);
        Assert.Equal(StageStatus.Done, outcomes["report"].Status);

        var reference = Directory.GetDirectories(Path.Combine(single, "losses")).Single();
        Assert.Equal(Path.GetFileName(reference), Path.GetFileName(outcomes["losses"].Output));
        await AssertSameLosses(reference, outcomes["losses"].Output!);

        var byCommand = Path.Combine(folder, "merged-by-command");
        Assert.Equal(0, await CliRun.Quiet(["merge", "--inputs", outcomes["losses"].Output + ".shards", "--output", byCommand]));
        await AssertSameLosses(reference, byCommand);

        AssertReportResolves(Path.Combine(outcomes["report"].Output!, ReportIndex.FileName));
    }

    [Fact]
    public async Task ShardsOverModelsAndDocumentBlocksMergedEqualOneProcess()
    {
        var folder = TestPaths.NewTempFolder();
        var pipeline = CreateStudy(folder);
        string single = Path.Combine(folder, "single"), sharded = Path.Combine(folder, "sharded");
        Assert.Equal(0, await CliRun.Quiet(["run", pipeline, "--work", single]));
        foreach (var (shard, model) in new[] { ("1/2", "0/2"), ("0/2", "1/2"), ("0/2", "0/2"), ("1/2", "1/2") })
            Assert.Equal(0, await CliRun.Quiet(["run", pipeline, "--work", sharded, "--shard", shard, "--model", model]));
        var wrongSplit = await PipelineRunner.RunAsync(PipelineYaml.Load(pipeline), new PipelineRunOptions { WorkFolder = sharded, Shard = new Shard(0, 1, 0, 3) });
        Assert.Contains("--model 0/3: the stage lists 2 model folders, not 3", wrongSplit.Stages.Single(s => s.Name == "losses").Error);
        // a failed shard is recorded under the key its success would have had, not over the whole stage's entry
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(sharded, "manifest.json"))).RootElement;
        Assert.Equal("failed", manifest.GetProperty($"losses[{new Shard(0, 1, 0, 3)}]").GetProperty("status").GetString());
        Assert.False(manifest.TryGetProperty("losses", out _));

        var merged = await PipelineRunner.RunAsync(PipelineYaml.Load(pipeline), new PipelineRunOptions { WorkFolder = sharded });
        var losses = merged.Stages.Single(s => s.Name == "losses");
        Assert.Equal(StageStatus.Merged, losses.Status);
        Assert.True(File.Exists(Path.Combine(losses.Output + ".shards", "1-of-2.model-0-of-2", "losses", "large.parquet")));
        await AssertSameLosses(Directory.GetDirectories(Path.Combine(single, "losses")).Single(), losses.Output!);
        Assert.True(merged.Succeeded, string.Join("\n", merged.Stages.Select(s => $"{s.Name}: {s.Status} {s.Error}")));
    }

    internal static async Task AssertSameLosses(string expectedFolder, string actualFolder)
    {
        var tables = Directory.GetFiles(expectedFolder, "*.parquet", SearchOption.AllDirectories);
        Assert.Equal(3, tables.Length); // losses/small, losses/large, loss_matrix
        foreach (var table in tables)
        {
            var expected = await TokenTable.ReadAsync(table);
            var actual = await TokenTable.ReadAsync(Path.Combine(actualFolder, Path.GetRelativePath(expectedFolder, table)));
            Assert.True(expected.RowCount > 20);
            Assert.Equal(expected.Doc, actual.Doc);
            Assert.Equal(expected.Pos, actual.Pos);
            Assert.Equal(expected.Token, actual.Token);
            Assert.Equal(expected.Set, actual.Set);
            Assert.Equal(expected.LossColumns, actual.LossColumns);
            for (int c = 0; c < expected.LossColumns.Count; c++) Assert.Equal(expected.Losses[c], actual.Losses[c]);
        }
        var expectedNpy = Npy.Read<float>(Path.Combine(expectedFolder, "loss_matrix.npy"));
        var actualNpy = Npy.Read<float>(Path.Combine(actualFolder, "loss_matrix.npy"));
        Assert.Equal(expectedNpy.Shape, actualNpy.Shape);
        Assert.Equal(expectedNpy.Data, actualNpy.Data);
        Assert.Equal(File.ReadAllText(Path.Combine(expectedFolder, "models.csv")), File.ReadAllText(Path.Combine(actualFolder, "models.csv")));
    }

    [GeneratedRegex("(?:href|src)=\"([^\"]+)\"")]
    private static partial Regex LinkPattern();

    /// <summary>Every href/src names an existing file; every image is a PNG (signature) or an SVG (XML with an svg root).</summary>
    internal static void AssertReportResolves(string index)
    {
        var html = File.ReadAllText(index);
        var links = LinkPattern().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(links, l => l.EndsWith(".png", StringComparison.Ordinal));
        Assert.Contains(links, l => l.EndsWith(".csv", StringComparison.Ordinal));
        foreach (var link in links)
        {
            var file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(index)!, Uri.UnescapeDataString(link)));
            Assert.True(File.Exists(file), $"{link} does not resolve");
            if (file.EndsWith(".png", StringComparison.Ordinal))
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, File.ReadAllBytes(file)[..8]);
            if (file.EndsWith(".svg", StringComparison.Ordinal))
                Assert.Equal("svg", XDocument.Load(file).Root!.Name.LocalName);
        }
        Assert.Contains(links, l => l.StartsWith("../../scaling/", StringComparison.Ordinal));
    }
}
