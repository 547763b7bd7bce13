using System.Globalization;
using System.Text.Json;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Common;
using QuantaDiscovery.Gradients;
using QuantaDiscovery.Models;
using QuantaDiscovery.Select;
using QuantaDiscovery.Tables;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Tokenize;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Cli;

/// <summary>
/// `quanta select` then `quanta gradients` on a random GPT-NeoX model: rows of gradients.npy are the samples'
/// gradients (checked against a fresh forward and backward per token), one backward pass per token, and the
/// projected run equals the projection of the exact one.
/// </summary>
public class SelectGradientsCommandTests
{
    private const int Context = 24;

    private static readonly string[] Texts =
    [
        "The quick brown fox jumps over the lazy dog. The quick brown fox jumps again and again.",
        "def add(x, y):\n    return x + y\n",
        "Hello world, hello world, hello world.",
        "a",
    ];

    [Fact]
    public async Task SelectThenExactAndProjectedGradients()
    {
        var folder = TestPaths.NewTempFolder();
        var tokenizer = TinyModels.Tokenizer;
        var modelFolder = TinyModels.Create(Path.Combine(folder, "model"), seed: 4, layers: 2);
        var corpus = Path.Combine(folder, "corpus.jsonl");
        File.WriteAllLines(corpus, Texts.Select(t => JsonSerializer.Serialize(new { text = t })));

        using var model = CausalLanguageModel.Load(modelFolder);
        var losses = Path.Combine(folder, "losses.parquet");
        var documents = Texts.Select(t => tokenizer.Encode(t).Take(Context).ToArray()).ToArray();
        await using (var writer = await TokenTableWriter.CreateAsync(losses, TokenTableSchema.SingleModel()))
        {
            // no_grad is a per-thread setting: its scope must not span an await, or it is restored on another thread and
            // this one (an xunit worker that runs other tests next) is left without autograd
            using (no_grad())
                for (int d = 0; d < documents.Length; d++)
                {
                    if (documents[d].Length < 2) continue;
                    using var input = tensor(documents[d].Select(t => (long)t).ToArray(), [1, documents[d].Length]);
                    var values = model.TokenLosses(input).data<float>().ToArray();
                    for (int j = 1; j < documents[d].Length; j++) writer.Append(d, j, documents[d][j], values[j - 1]);
                }
            await writer.CompleteAsync();
        }

        var selected = Path.Combine(folder, "selected");
        string context = Context.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(0, await CliRun.Quiet(["select", "--losses", losses, "--input", corpus, "--model", modelFolder.Directory,
            "--output", selected, "--max-loss", "100", "--stride", "3", "--samples", "9", "--context", context]));
        var samplesPath = Path.Combine(selected, SampleTable.FileName);
        var samples = await SampleTable.ReadAsync(samplesPath);
        Assert.Equal(9, samples.Count);
        Assert.True(samples.Select(s => s.Doc).Distinct().Count() > 1);

        var exactFolder = Path.Combine(folder, "exact");
        Assert.Equal(0, await CliRun.Quiet(["gradients", "--model", modelFolder.Directory, "--input", corpus, "--samples", samplesPath,
            "--output", exactFolder, "--context", context, "--threads", "1"]));
        var exact = Npy.Read<float>(Path.Combine(exactFolder, GradientComputation.GradientsFileName));
        var reference = new TokenGradients(model, ParameterFilter.Paper);
        Assert.Equal([samples.Count, (int)reference.Dimension], exact.Shape);
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(exactFolder, GradientComputation.SettingsFileName))))
        {
            Assert.Equal(samples.Count, json.RootElement.GetProperty("backward_passes").GetInt64());
            Assert.Equal(samples.Select(s => s.Doc).Distinct().Count(), json.RootElement.GetProperty("forward_passes").GetInt64());
            Assert.Equal(reference.Dimension, json.RootElement.GetProperty("dimension").GetInt64());
            Assert.Equal("paper", json.RootElement.GetProperty("parameter_filter").GetString());
        }
        for (int i = 0; i < samples.Count; i++)
        {
            var fresh = reference.ForToken(documents[samples[i].Doc], samples[i].Pos);
            var row = exact.Data.AsSpan(i * fresh.Length, fresh.Length).ToArray();
            double diff = Math.Sqrt(fresh.Zip(row, (a, b) => (double)(a - b) * (a - b)).Sum());
            Assert.True(diff <= 1e-5 * Math.Sqrt(fresh.Sum(a => (double)a * a)), $"sample {i}");
        }

        var projectedFolder = Path.Combine(folder, "projected");
        Assert.Equal(0, await CliRun.Quiet(["gradients", "--model", modelFolder.Directory, "--input", corpus, "--samples", samplesPath,
            "--output", projectedFolder, "--context", context, "--projection", "32", "--seed", "5", "--params", "paper"]));
        var projected = Npy.Read<float>(Path.Combine(projectedFolder, GradientComputation.GradientsFileName));
        Assert.Equal([samples.Count, 32], projected.Shape);
        var projection = new SparseRandomProjection(reference.BlockSizes, 32, seed: 5);
        for (int i = 0; i < samples.Count; i++)
        {
            var expected = projection.Project(exact.Data.AsSpan(i * exact.Columns, exact.Columns));
            for (int c = 0; c < 32; c++)
                Assert.True(Math.Abs(expected[c] - projected.Data[i * 32 + c]) <= 1e-4 * (1 + Math.Abs(expected[c])), $"sample {i}, column {c}");
        }
    }

    [Fact]
    public async Task SamplesFromAnotherCorpusAreRefused()
    {
        var folder = TestPaths.NewTempFolder();
        var modelFolder = TinyModels.Create(Path.Combine(folder, "model"), seed: 4);
        var corpus = Path.Combine(folder, "corpus.jsonl");
        File.WriteAllLines(corpus, [JsonSerializer.Serialize(new { text = "short text" })]);
        var samplesPath = Path.Combine(folder, SampleTable.FileName);
        await SampleTable.WriteAsync(samplesPath, [new TokenSample(0, 0, 40, 5, 0.01f, null, "", "")], hasSet: false);

        var error = new StringWriter();
        Assert.Equal(2, await QuantaCli.RunAsync(["gradients", "--model", modelFolder.Directory, "--input", corpus, "--samples", samplesPath,
            "--output", Path.Combine(folder, "out"), "--context", "24"], TextWriter.Null, error));
        Assert.Contains("doc 0, pos 40", error.ToString());
        Assert.Contains(samplesPath, error.ToString());
    }
}
