using System.Globalization;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Select;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Cli;

/// <summary>
/// Bad input to every `quanta` command, tried as a new user would: each ends in exit code 2 and exactly one line on
/// standard error that names the fault, with no .NET stack trace, and leaves no output behind.
/// </summary>
public class BadInputSweepTests
{
    /// <summary>Valid inputs each case spoils one thing of, made once for the whole sweep.</summary>
    public sealed class Inputs
    {
        public required string Folder { get; init; }
        public required string Model { get; init; }
        public required string Corpus { get; init; }
        public required string Losses { get; init; }
        public required string Samples { get; init; }
        public required string Gradients { get; init; }
        public required string Affinity { get; init; }
        public required string Tokenizer { get; init; }

        /// <summary>A fresh path under the fixture folder where a case's output would go (nothing exists there yet).</summary>
        public string Output(string name) => Path.Combine(Folder, "out", name);

        /// <summary>A copy of the model folder with <paramref name="spoil"/> applied to it.</summary>
        public string SpoiltModel(string name, Action<string> spoil)
        {
            var copy = Path.Combine(Folder, "models", name);
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.EnumerateFiles(Model)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            spoil(copy);
            return copy;
        }

        /// <summary>A file holding the first half of <paramref name="source"/>'s bytes.</summary>
        public string Truncated(string source, string name)
        {
            var bytes = File.ReadAllBytes(source);
            var path = Path.Combine(Folder, "bad", name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            return path;
        }

        public string Text(string name, string text)
        {
            var path = Path.Combine(Folder, "bad", name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            return path;
        }
    }

    private static readonly Lazy<Task<Inputs>> Fixture = new(CreateInputsAsync);

    private static async Task<Inputs> CreateInputsAsync()
    {
        var folder = TestPaths.NewTempFolder();
        var model = TinyModels.Create(Path.Combine(folder, "model"), seed: 7, exportOnnx: true).Directory;
        var corpus = Path.Combine(folder, "corpus.jsonl");
        File.WriteAllLines(corpus, new[] { "The quick brown fox jumps over the lazy dog.", "Hello world, hello world, hello world.", "def f(x): return x" }
            .Select(t => JsonSerializer.Serialize(new { text = t })));
        var scored = Path.Combine(folder, "scored");
        Assert.Equal(0, await CliRun.Quiet(["losses", "--model", model, "--input", corpus, "--output", scored, "--threads", "1"]));
        var losses = Path.Combine(scored, "losses", "model.parquet");
        var selected = Path.Combine(folder, "selected");
        Assert.Equal(0, await CliRun.Quiet(["select", "--model", model, "--input", corpus, "--losses", losses, "--output", selected,
            "--max-loss", "100", "--stride", "1", "--samples", "8", "--no-induction-filter"]));

        var random = new Random(3);
        var gradients = Path.Combine(folder, "gradients.npy");
        Npy.Write<float>(gradients, Enumerable.Range(0, 8 * 5).Select(_ => random.NextSingle() - 0.5f).ToArray(), 8, 5);
        var affinity = Path.Combine(folder, "affinity.npy");
        var values = new float[8 * 8];
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++)
                values[i * 8 + j] = i == j ? 1 : (i < 4) == (j < 4) ? 0.9f : 0.1f;
        Npy.Write<float>(affinity, values, 8, 8);
        return new Inputs
        {
            Folder = folder, Model = model, Corpus = corpus, Losses = losses, Samples = Path.Combine(selected, SampleTable.FileName),
            Gradients = gradients, Affinity = affinity, Tokenizer = Path.Combine(model, "tokenizer.json"),
        };
    }

    /// <summary>One bad command line; <c>Output</c> is where its output would have gone.</summary>
    public sealed record Case(string Name, Func<Inputs, (string[] Args, string Output)> Make)
    {
        public override string ToString() => Name;
    }

    private static Case C(string name, Func<Inputs, (string[] Args, string Output)> make) => new(name, make);

    private static string Pipeline(Inputs x, string name, string yaml) => x.Text(name + ".yaml", yaml);

    public static TheoryData<Case> Cases() =>
    [
        // flags
        C("unparsable number", x => (["cluster", "--affinity", x.Affinity, "--clusters", "2", "--n-init", "x", "--output", x.Output("c0.npy")], x.Output("c0.npy"))),
        C("gradients --projection x", x => (["gradients", "--model", x.Model, "--input", x.Corpus, "--samples", x.Samples, "--output", x.Output("g1"), "--projection", "x"], x.Output("g1"))),
        C("qdg --projection x", x => (["qdg", "--model", x.Model, "--input", x.Corpus, "--losses", x.Losses, "--output", x.Output("q1"), "--projection", "x"], x.Output("q1"))),
        C("losses --context beyond the positions", x => (["losses", "--model", x.Model, "--input", x.Corpus, "--output", x.Output("l1"), "--context", "4096"], x.Output("l1"))),
        C("export-onnx --dtype f8", x => (["export-onnx", "--model", x.SpoiltModel("dtype", _ => { }), "--dtype", "f8"], Path.Combine(x.Folder, "models", "dtype", "model.onnx.tmp"))),
        C("losses --batch-size some", x => (["losses", "--model", x.Model, "--input", x.Corpus, "--output", x.Output("l6"), "--batch-size", "some"], x.Output("l6"))),
        C("losses --batch-size 0", x => (["losses", "--model", x.Model, "--input", x.Corpus, "--output", x.Output("l2"), "--batch-size", "0"], x.Output("l2"))),
        C("cluster --n-init 0", x => (["cluster", "--affinity", x.Affinity, "--clusters", "2", "--n-init", "0", "--output", x.Output("c1.npy")], x.Output("c1.npy"))),
        C("cluster --output into a missing folder", x => (["cluster", "--affinity", x.Affinity, "--clusters", "2", "--output", x.Output("missing/c3.npy")], x.Output("missing"))),
        C("select selects nothing", x => (["select", "--model", x.Model, "--input", x.Corpus, "--losses", x.Losses, "--output", x.Output("s1"), "--max-loss", "1e-9"], x.Output("s1"))),
        C("similarity --knn 0", x => (["similarity", "--gradients", x.Gradients, "--output", x.Output("a1.npz"), "--knn", "0"], x.Output("a1.npz"))),
        C("grok --train-frac 2", x => (["grok", "--train-frac", "2", "--steps", "1", "--output", x.Output("k1")], x.Output("k1"))),
        C("grok-sweep --vary x", x => (["grok-sweep", "--vary", "x", "--values", "1,2", "--output", x.Output("k2")], x.Output("k2"))),
        C("bimt --knockout bad", x => (["bimt", "--knockout", "nonsense", "--steps", "1", "--output", x.Output("b1")], x.Output("b1"))),
        C("sparse-parity --n-tasks 0", x => (["sparse-parity", "--n-tasks", "0", "--output", x.Output("p1")], x.Output("p1"))),
        C("sparse-parity-sweep --widths a", x => (["sparse-parity-sweep", "--widths", "a,b", "--output", x.Output("p2")], x.Output("p2"))),
        C("fit --level 2", x => (["fit", "--input", x.Losses, "--x", "pos", "--y", "loss", "--bootstrap", "10", "--level", "2", "--output", x.Output("f1.json")], x.Output("f1.json"))),
        C("truncate-tokenizer beyond its merges", x => (["truncate-tokenizer", "--tokenizer", x.Tokenizer, "--merges", "100000000", "--output", x.Output("t1.json")], x.Output("t1.json"))),
        C("train-lm --steps 0", x => (["train-lm", "--corpus", x.Corpus, "--tokenizer", x.Tokenizer, "--output", x.Output("lm1"), "--steps", "0"], x.Output("lm1"))),
        // files
        C("cluster missing affinity", x => (["cluster", "--affinity", Path.Combine(x.Folder, "nothing.npy"), "--clusters", "2", "--output", x.Output("c4.npy")], x.Output("c4.npy"))),
        C("cluster int32 affinity", x => (["cluster", "--affinity", IntNpy(x), "--clusters", "2", "--output", x.Output("c5.npy")], x.Output("c5.npy"))),
        C("cluster non-square affinity", x => (["cluster", "--affinity", x.Gradients, "--clusters", "2", "--output", x.Output("c6.npy")], x.Output("c6.npy"))),
        C("similarity 1-D gradients", x => (["similarity", "--gradients", VectorNpy(x), "--output", x.Output("a2.npy")], x.Output("a2.npy"))),
        C("tokenize malformed JSON line", x => (["tokenize", "--tokenizer", x.Tokenizer, "--input", x.Text("bad.jsonl", "{\"text\": \"ok\"}\n{\"text\": \n"), "--output", x.Output("ids.jsonl")], x.Output("ids.jsonl"))),
        C("losses truncated .zst", x => (["losses", "--model", x.Model, "--input", TruncatedZst(x), "--output", x.Output("l3")], x.Output("l3"))),
        C("select truncated .parquet", x => (["select", "--model", x.Model, "--input", x.Corpus, "--losses", x.Truncated(x.Losses, "losses.parquet"), "--output", x.Output("s2")], x.Output("s2"))),
        C("scaling truncated .parquet", x => (["scaling", "--losses", x.Truncated(x.Losses, "scaling.parquet"), "--output", x.Output("sc1")], x.Output("sc1"))),
        C("gradients truncated .safetensors", x => (["gradients", "--model", x.SpoiltModel("st", m => Truncate(Path.Combine(m, "model.safetensors"))), "--input", x.Corpus,
            "--samples", x.Samples, "--output", x.Output("g2")], x.Output("g2"))),
        C("losses truncated .onnx", x => (["losses", "--model", x.SpoiltModel("onnx", m => Truncate(Path.Combine(m, "model.onnx"))), "--input", x.Corpus, "--output", x.Output("l4")], x.Output("l4"))),
        C("losses missing config", x => (["losses", "--model", x.SpoiltModel("noconfig", m => File.Delete(Path.Combine(m, "config.json"))), "--input", x.Corpus, "--output", x.Output("l5")], x.Output("l5"))),
        C("export-onnx missing config", x => (["export-onnx", "--model", x.SpoiltModel("noconfig2", m => File.Delete(Path.Combine(m, "config.json")))], Path.Combine(x.Folder, "models", "noconfig2", "model.onnx.tmp"))),
        C("browse mismatched inputs", x => (["browse", "--samples", x.Samples, "--similarity", x.Gradients, "--clusters", x.Affinity, "--output", x.Output("r1.html")], x.Output("r1.html"))),
        C("merge no shards", x => (["merge", "--inputs", Path.Combine(x.Folder, "no-shards"), "--output", x.Output("m1")], x.Output("m1"))),
        C("suite-report missing suite", x => (["suite-report", "--suite", Path.Combine(x.Folder, "no-suite.yaml"), "--losses", x.Output("m1"), "--output", x.Output("sr1")], x.Output("sr1"))),
        // pipelines
        C("run unclosed YAML flow list", x => (["run", Pipeline(x, "unclosed", "stages:\n  onnx:\n    kind: export-onnx\n    models: [m\n"), "--work", x.Output("w1")], x.Output("w1"))),
        C("run unknown YAML key", x => (["run", Pipeline(x, "unknown", "stages:\n  grok:\n    kind: grok\n    stepz: 3\n"), "--work", x.Output("w2")], x.Output("w2"))),
        C("run missing pipeline", x => (["run", Path.Combine(x.Folder, "none.yaml"), "--work", x.Output("w3")], x.Output("w3"))),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInputExitsTwoWithOneLineAndLeavesNothingBehind(Case bad)
    {
        var inputs = await Fixture.Value;
        var (args, output) = bad.Make(inputs);
        var (code, _, error) = await CliRun.Captured(args);

        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(code == 2, $"{bad.Name}: exit {code}, stderr:\n{error}");
        Assert.True(lines.Length == 1, $"{bad.Name}: {lines.Length} lines on stderr:\n{error}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Exception", error);
        Assert.False(File.Exists(output) || Directory.Exists(output), $"{bad.Name}: {output} was left behind");
        Assert.False(File.Exists(output + ".tmp"), $"{bad.Name}: {output}.tmp was left behind");
    }

    [Fact]
    public async Task PipelineStageFailingOnBadInputExitsTwoAndLogsNoStackTrace()
    {
        var inputs = await Fixture.Value;
        var work = inputs.Output("w-stage");
        var pipeline = Pipeline(inputs, "bad-stage", $"root: {inputs.Folder}\nstages:\n  grok:\n    kind: grok\n    train-frac: 2\n    steps: 1\n");
        var (code, _, error) = await CliRun.Captured(["run", pipeline, "--work", work]);

        Assert.True(code == 2, $"exit {code}, stderr:\n{error}");
        var last = error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.StartsWith("error: stage 'grok' (grok): ", last);
        Assert.Contains("TrainFraction", last);
        var log = File.ReadAllText(Path.Combine(work, "run.log"));
        Assert.Contains("grok: failed on bad input", log);
        Assert.DoesNotContain("   at ", log);
    }

    private static string IntNpy(Inputs x)
    {
        var path = Path.Combine(x.Folder, "bad", "int.npy");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Npy.Write<int>(path, new int[16], 4, 4);
        return path;
    }

    private static string VectorNpy(Inputs x)
    {
        var path = Path.Combine(x.Folder, "bad", "vector.npy");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Npy.Write<float>(path, new float[6], 6);
        return path;
    }

    private static string TruncatedZst(Inputs x)
    {
        var path = Path.Combine(x.Folder, "bad", "corpus.jsonl.zst");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var lines = string.Join('\n', Enumerable.Range(0, 2000).Select(i => JsonSerializer.Serialize(new { text = $"document {i.ToString(CultureInfo.InvariantCulture)} with some words" })));
        using (var compressor = new ZstdSharp.Compressor())
            File.WriteAllBytes(path, compressor.Wrap(System.Text.Encoding.UTF8.GetBytes(lines)).ToArray());
        Truncate(path);
        return path;
    }

    private static void Truncate(string path)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
    }
}
