using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Common;
using QuantaDiscovery.Gradients;
using QuantaDiscovery.Models;
using QuantaDiscovery.Select;
using QuantaDiscovery.Tables;
using QuantaDiscovery.Tests.Common;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Cli;

/// <summary>
/// A Llama model through every command that takes a model: export-onnx → losses (rows agree with the TorchSharp
/// module), gradients (rows agree with a fresh forward and backward per token), and train-lm --family llama.
/// </summary>
public class LlamaCommandsTests
{
    private const int Context = 24;

    private static readonly string[] Texts =
    [
        "The quick brown fox jumps over the lazy dog. The quick brown fox jumps again and again.",
        "def add(x, y):\n    return x + y\n",
        "Hello world, hello world, hello world.",
    ];

    private static string Corpus(string folder, int repeats = 1)
    {
        var path = Path.Combine(folder, "corpus.jsonl");
        File.WriteAllLines(path, Enumerable.Repeat(Texts, repeats).SelectMany(t => t).Select(t => JsonSerializer.Serialize(new { text = t })));
        return path;
    }

    [Fact]
    public async Task ExportLossesAndGradientsOfALlamaModel()
    {
        var folder = TestPaths.NewTempFolder();
        var modelFolder = TinyModels.CreateLlama(Path.Combine(folder, "tiny-llama"), seed: 6);
        var corpus = Corpus(folder);
        string context = Context.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(0, await QuantaCli.RunAsync(["export-onnx", "--model", modelFolder.Directory]));
        var output = Path.Combine(folder, "losses");
        Assert.Equal(0, await QuantaCli.RunAsync(["losses", "--model", modelFolder.Directory, "--input", corpus, "--output", output,
            "--context", context, "--threads", "1"]));

        var documents = Texts.Select(t => TinyModels.Tokenizer.Encode(t).Take(Context).ToArray()).ToArray();
        var table = await TokenTable.ReadAsync(Path.Combine(output, "losses", "tiny-llama.parquet"));
        using var model = CausalLanguageModel.Load(modelFolder);
        int row = 0;
        using (no_grad())
            for (int d = 0; d < documents.Length; d++)
            {
                using var input = tensor(documents[d].Select(t => (long)t).ToArray(), [1, documents[d].Length]);
                var expected = model.TokenLosses(input).data<float>().ToArray();
                for (int j = 1; j < documents[d].Length; j++, row++)
                    Assert.True(Math.Abs(expected[j - 1] - table.Loss("loss")[row]) < 1e-4, $"document {d}, token {j}");
            }
        Assert.Equal(table.RowCount, row);

        var samples = Path.Combine(folder, SampleTable.FileName);
        (int Doc, int Pos)[] targets = [(0, 5), (0, 20), (2, 9), (1, 3)];
        await SampleTable.WriteAsync(samples, [.. targets.Select((t, i) => new TokenSample(i, t.Doc, t.Pos, documents[t.Doc][t.Pos], 0.1f, null, "", ""))], hasSet: false);
        var gradientsFolder = Path.Combine(folder, "gradients");
        Assert.Equal(0, await QuantaCli.RunAsync(["gradients", "--model", modelFolder.Directory, "--input", corpus, "--samples", samples,
            "--output", gradientsFolder, "--context", context, "--threads", "1"]));
        var gradients = Npy.Read<float>(Path.Combine(gradientsFolder, GradientComputation.GradientsFileName));
        var reference = new TokenGradients(model, ParameterFilter.Paper);
        Assert.Contains(reference.Parameters, p => p.Name == "model.norm.weight");
        Assert.Equal([targets.Length, (int)reference.Dimension], gradients.Shape);
        for (int i = 0; i < targets.Length; i++)
        {
            var fresh = reference.ForToken(documents[targets[i].Doc], targets[i].Pos);
            var actual = gradients.Data.AsSpan(i * fresh.Length, fresh.Length).ToArray();
            double diff = Math.Sqrt(fresh.Zip(actual, (a, b) => (double)(a - b) * (a - b)).Sum());
            double norm = Math.Sqrt(fresh.Sum(a => (double)a * a));
            Assert.True(norm > 0 && diff <= 1e-5 * norm, $"sample {i}: ‖Δ‖/‖g‖ = {diff / norm:E2}");
        }
    }

    [Fact]
    public async Task TrainLmWithFamilyLlamaSavesLlamaCheckpoints()
    {
        var folder = TestPaths.NewTempFolder();
        var tokenizer = Path.Combine(folder, "tokenizer.json");
        TinyModels.Tokenizer.Save(tokenizer);
        var output = Path.Combine(folder, "runs");
        Assert.Equal(0, await QuantaCli.RunAsync(["train-lm", "--family", "llama", "--corpus", Corpus(folder, repeats: 4), "--tokenizer", tokenizer,
            "--output", output, "--layers", "1", "--d-model", "16", "--heads", "2", "--context", "16", "--batch-size", "2", "--steps", "3",
            "--checkpoints", "0,3", "--threads", "1"]));
        var run = Directory.GetDirectories(output).Single();
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "step3", "config.json")))!;
        Assert.Equal("llama", config["model_type"]!.GetValue<string>());
        Assert.Equal(48, config["intermediate_size"]!.GetValue<int>());
        using var step0 = CausalLanguageModel.Load(ModelFolder.Open(Path.Combine(run, "step0")));
        using var step3 = CausalLanguageModel.Load(ModelFolder.Open(Path.Combine(run, "step3")));
        Assert.Contains(step3.named_parameters(), p => p.name == "model.layers.0.mlp.gate_proj.weight");
        Assert.False(step0.named_parameters().Zip(step3.named_parameters()).All(p => p.First.parameter.equal(p.Second.parameter).all().item<bool>()));
    }

    [Fact]
    public async Task UnknownFamilyIsRefused() =>
        Assert.Equal(2, await QuantaCli.RunAsync(["train-lm", "--family", "gpt2", "--corpus", "x.jsonl", "--tokenizer", "t.json",
            "--output", TestPaths.NewTempFolder(), "--layers", "1", "--d-model", "16", "--heads", "2"]));
}
