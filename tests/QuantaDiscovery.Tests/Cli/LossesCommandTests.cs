using System.Globalization;
using System.Text.Json;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.Onnx;
using QuantaDiscovery.Tables;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Tokenize;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Cli;

/// <summary>
/// `quanta losses` end to end on two random GPT-NeoX models sharing a truncated Pythia tokenizer: rows follow
/// the paper's convention and agree with the TorchSharp forward, the loss matrix agrees with the per-model
/// tables, and models.csv carries the non-embedding parameter counts.
/// </summary>
public class LossesCommandTests
{
    private const int Context = 24;

    private static readonly string[] Texts =
    [
        "The quick brown fox jumps over the lazy dog. The quick brown fox jumps again and again.",
        "def add(x, y):\n    return x + y\n",
        "",
        "a",
        "Hello world, hello world, hello world.",
    ];

    private static string Corpus(string folder)
    {
        var path = Path.Combine(folder, "corpus.jsonl");
        File.WriteAllLines(path, Texts.Select((t, i) => JsonSerializer.Serialize(new { text = t, meta = new { pile_set_name = i % 2 == 0 ? "Prose" : "Code" } })));
        return path;
    }

    private static string Model(string folder, string name, int layers, bool parallel, int seed) =>
        TinyModels.Create(Path.Combine(folder, name), seed, hidden: 32, layers: layers, heads: 4, parallelResidual: parallel,
            extraVocabulary: 3, exportOnnx: true).Directory;

    [Fact]
    public async Task AFolderWithWeightsButNoOnnx_IsExportedIntoTheOutput_AndScoresAsTheExportedOne()
    {
        // As the pico suite ships (config.json, model.safetensors, tokenizer.json): `quanta losses --model <folder>` must run.
        var folder = TestPaths.NewTempFolder();
        var corpus = Corpus(folder);
        var exported = Model(Path.Combine(folder, "with"), "m", 1, true, 3);
        var bare = TinyModels.Create(Path.Combine(folder, "bare", "m"), 3, hidden: 32, layers: 1, heads: 4, parallelResidual: true,
            extraVocabulary: 3, exportOnnx: false).Directory;
        Assert.False(File.Exists(Path.Combine(bare, ModelFolder.OnnxFileName)));

        var error = new StringWriter();
        int code = await QuantaCli.RunAsync(["losses", "--model", bare, "--corpus", corpus, "--output", Path.Combine(folder, "out-bare")],
            new StringWriter(), error);
        Assert.Equal(0, code);
        Assert.Contains("exported one to", error.ToString());
        Assert.True(File.Exists(Path.Combine(folder, "out-bare", "onnx", "m", ModelFolder.OnnxFileName)));
        Assert.False(File.Exists(Path.Combine(bare, ModelFolder.OnnxFileName)));

        Assert.Equal(0, await CliRun.Quiet(["losses", "--model", exported, "--corpus", corpus, "--output", Path.Combine(folder, "out-with")]));
        var fromBare = await TokenTable.ReadAsync(Path.Combine(folder, "out-bare", "losses", "m.parquet"));
        var fromExported = await TokenTable.ReadAsync(Path.Combine(folder, "out-with", "losses", "m.parquet"));
        Assert.Equal(fromExported.Loss("loss"), fromBare.Loss("loss"));
    }

    [Fact]
    public async Task SuiteOfTwoModelsGivesTablesMatrixAndParameterCounts()
    {
        var folder = TestPaths.NewTempFolder();
        var tokenizer = TinyModels.Tokenizer;
        string[] models = [Model(folder, "small", 1, true, 1), Model(folder, "large", 2, false, 2)];
        var output = Path.Combine(folder, "out");

        int code = await CliRun.Quiet(["losses", "--model", models[0], "--model", models[1], "--input", Corpus(folder),
            "--output", output, "--context", Context.ToString(CultureInfo.InvariantCulture), "--batch-size", "3", "--threads", "1"]);
        Assert.Equal(0, code);

        var expectedRows = Texts.Select(t => tokenizer.Encode(t).Take(Context).ToArray()).ToArray();
        var matrix = await TokenTable.ReadAsync(Path.Combine(output, "loss_matrix.parquet"));
        Assert.Equal(["small", "large"], matrix.LossColumns);
        Assert.Equal(expectedRows.Sum(ids => Math.Max(0, ids.Length - 1)), matrix.RowCount);
        var npy = Npy.Read<float>(Path.Combine(output, "loss_matrix.npy"));
        Assert.Equal([matrix.RowCount, 2], npy.Shape);

        for (int m = 0; m < models.Length; m++)
        {
            var table = await TokenTable.ReadAsync(Path.Combine(output, "losses", Path.GetFileName(models[m]) + ".parquet"));
            Assert.Equal(matrix.Doc, table.Doc);
            Assert.Equal(matrix.Pos, table.Pos);
            Assert.Equal(matrix.Token, table.Token);
            Assert.Equal(matrix.Loss(matrix.LossColumns[m]), table.Loss("loss"));
            Assert.Equal(table.Loss("loss"), Enumerable.Range(0, table.RowCount).Select(r => npy.Data[2 * r + m]));

            using var model = CausalLanguageModel.Load(ModelFolder.Open(models[m]));
            using var noGrad = no_grad();
            int row = 0;
            for (int d = 0; d < expectedRows.Length; d++)
            {
                var ids = expectedRows[d];
                if (ids.Length < 2) continue;
                using var input = tensor(ids.Select(t => (long)t).ToArray(), [1, ids.Length]);
                var reference = model.TokenLosses(input).data<float>().ToArray();
                for (int j = 1; j < ids.Length; j++, row++)
                {
                    Assert.Equal(d, table.Doc[row]);
                    Assert.Equal(j, table.Pos[row]);
                    Assert.Equal(ids[j], table.Token[row]);
                    Assert.Equal(d % 2 == 0 ? "Prose" : "Code", table.Set![row]);
                    Assert.True(Math.Abs(reference[j - 1] - table.Loss("loss")[row]) < 1e-4, $"model {m}, document {d}, token {j}");
                }
            }
            Assert.Equal(table.RowCount, row);
        }

        var csv = File.ReadAllLines(Path.Combine(output, "models.csv"));
        Assert.Equal("name,params", csv[0]);
        for (int m = 0; m < models.Length; m++)
        {
            var config = ModelFolder.Open(models[m]).Config;
            using var model = new CausalLanguageModel(config);
            long nonEmbedding = model.ParameterShapes.Where(p => !p.Name.Contains("embed"))
                .Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));
            Assert.Equal($"{Path.GetFileName(models[m])},{nonEmbedding}", csv[m + 1]);
        }
    }

    [Fact]
    public async Task TokenizerLargerThanTheModelVocabularyIsRefusedNamingTheFile()
    {
        var folder = TestPaths.NewTempFolder();
        var model = Model(folder, "m", 1, true, 3);
        ByteLevelBpeTokenizer.Load(TestPaths.InRepo("models/tokenizers/gpt-neox-20b/tokenizer.json")).Save(Path.Combine(model, "tokenizer.json"));
        var error = new StringWriter();
        int code = await QuantaCli.RunAsync(["losses", "--model", model, "--input", Corpus(folder), "--output", Path.Combine(folder, "out")],
            TextWriter.Null, error);
        Assert.Equal(2, code);
        Assert.Contains("config.json", error.ToString());
        Assert.False(Directory.Exists(Path.Combine(folder, "out", "losses")));
    }
}
