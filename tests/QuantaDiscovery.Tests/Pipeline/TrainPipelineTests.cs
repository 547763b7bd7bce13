using System.Text.Json;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tables;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>A pipeline that builds its own suite: tokenize (a truncated tokenizer) → train-lm → export-onnx → losses.</summary>
public class TrainPipelineTests
{
    [Fact]
    public async Task PipelineTrainsItsOwnSuiteAndScoresIt()
    {
        var folder = TestPaths.NewTempFolder();
        File.WriteAllLines(Path.Combine(folder, "corpus.jsonl"), Enumerable.Range(0, 12)
            .Select(i => JsonSerializer.Serialize(new { text = $"Document {i}: the quick brown fox jumps over the lazy dog {i * 7} times." })));
        File.WriteAllText(Path.Combine(folder, "suite.json"), """
            { "name_prefix": "tiny", "context": 8, "batch_size": 2, "steps": 4, "checkpoints": "0,4", "dtype_save": "f32",
              "sizes": [ { "layers": 1, "d_model": 8, "heads": 1, "lr": 0.01 }, { "layers": 1, "d_model": 16, "heads": 2, "lr": 0.01 } ] }
            """);
        var pipeline = Path.Combine(folder, "train.yaml");
        File.WriteAllText(pipeline, $$"""
            stages:
              tokenize:
                kind: tokenize
                tokenizer: {{TestPaths.InRepo("models/tokenizers/gpt-neox-20b/tokenizer.json")}}
                corpus: corpus.jsonl
                merges: 40
                threads: 1
              train:
                kind: train-lm
                suite: suite.json
                corpus: corpus.jsonl
                tokenizer: ${tokenize.output}/tokenizer.json
                threads: 1
              onnx:
                kind: export-onnx
                models: ["${train.output}/*/step4"]
              losses:
                kind: losses
                models: ["${onnx.output}/*/step4"]
                corpus: corpus.jsonl
                context: 8
                threads: 1
            """);
        var result = await PipelineRunner.RunAsync(PipelineYaml.Load(pipeline));
        Assert.True(result.Succeeded, string.Join("\n", result.Stages.Select(s => $"{s.Name}: {s.Status} {s.Error}")));
        string Output(string stage) => result.Stages.Single(s => s.Name == stage).Output!;

        var tokenizer = ByteLevelBpeTokenizer.Load(Path.Combine(Output("tokenize"), "tokenizer.json"));
        Assert.Equal(40, tokenizer.MergeCount);
        Assert.Equal(12, File.ReadLines(Path.Combine(Output("tokenize"), "ids.jsonl")).Count());
        Assert.Equal(["name,params,step", "tiny-", "tiny-", "tiny-", "tiny-"], File.ReadAllLines(Path.Combine(Output("train"), "models.csv"))
            .Select((line, i) => i == 0 ? line : line[..5]));
        var matrix = await TokenTable.ReadAsync(Path.Combine(Output("losses"), "loss_matrix.parquet"));
        Assert.Equal(2, matrix.LossColumns.Count);
        Assert.All(matrix.Token, token => Assert.InRange(token, 0, tokenizer.VocabularySize - 1));
        ReportPipelineTests.AssertNoPartialPaths(result);
    }
}
