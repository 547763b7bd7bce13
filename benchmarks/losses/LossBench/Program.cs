// Our side of benchmarks/losses. Creates the random models (once) and exports model.onnx, writes the documents all
// sides share, and times OnnxLossScorer.ScoreBatch. Prints one JSON line per model.
// Usage:
//   LossBench full <work> <threads> <context> <name:hidden:layers:heads:vocab:documents>...
//       documents of <context> tokens each (documents.npy); the fastest of three passes after a warm-up
//   LossBench prepare-mixed <work> <name:hidden:layers:heads:vocab:documents>...
//       models and mixed.npy only: documents of heavy-tailed lengths (see MixedLengths), rows right-padded with −1
//   LossBench mixed <work> <threads> <name>...
//       one pass over mixed.npy, nothing before it, so that the whole process is what a `quanta losses` run pays
using System.Diagnostics;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Models.Onnx;
using QuantaDiscovery.Score;

const string MixedFile = "mixed.npy";
switch (args[0])
{
    case "full":
    {
        var work = args[1];
        int threads = int.Parse(args[2]), context = int.Parse(args[3]);
        foreach (var spec in args[4..])
        {
            var (folder, count) = Prepare(work, spec);
            var documents = RandomDocuments(folder.Config.VocabSize, Enumerable.Repeat(context, count).ToArray(), seed: 2);
            WriteDocuments(Path.Combine(folder.Directory, "documents.npy"), documents, padding: 0);

            using var scorer = new OnnxLossScorer(folder, new OnnxScorerOptions { IntraOpThreads = threads });
            scorer.ScoreBatch(documents.Take(1).ToList());
            // The fastest of three passes, since the benchmark machine is shared.
            double seconds = double.MaxValue;
            IReadOnlyList<float[]> losses = [];
            for (int repeat = 0; repeat < 3; repeat++)
            {
                var clock = Stopwatch.StartNew();
                losses = scorer.ScoreBatch(documents);
                seconds = Math.Min(seconds, clock.Elapsed.TotalSeconds);
            }
            Report(folder.Directory, documents, losses, seconds, 0);
        }
        break;
    }
    case "prepare-mixed":
        foreach (var spec in args[2..])
        {
            var (folder, count) = Prepare(args[1], spec);
            var documents = RandomDocuments(folder.Config.VocabSize, MixedLengths(count, folder.Config.MaxPositionEmbeddings, seed: 3), seed: 4);
            WriteDocuments(Path.Combine(folder.Directory, MixedFile), documents, padding: -1);
        }
        break;
    case "mixed":
    {
        int threads = int.Parse(args[2]);
        foreach (var name in args[3..])
        {
            var clock = Stopwatch.StartNew();
            var folder = ModelFolder.Open(Path.Combine(args[1], name));
            var documents = ReadDocuments(Path.Combine(folder.Directory, MixedFile));
            using var scorer = new OnnxLossScorer(folder, new OnnxScorerOptions { IntraOpThreads = threads });
            double load = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var losses = scorer.ScoreBatch(documents);
            Report(folder.Directory, documents, losses, clock.Elapsed.TotalSeconds, load);
        }
        break;
    }
    default:
        throw new ArgumentException($"unknown mode '{args[0]}' (full, prepare-mixed or mixed)");
}

static (ModelFolder Folder, int Documents) Prepare(string work, string spec)
{
    var parts = spec.Split(':');
    var (name, hidden, layers, heads, vocab, count) = (parts[0], int.Parse(parts[1]), int.Parse(parts[2]), int.Parse(parts[3]), int.Parse(parts[4]), int.Parse(parts[5]));
    var directory = Path.Combine(work, name);
    var config = new GptNeoXConfig
    {
        HiddenSize = hidden, NumHiddenLayers = layers, NumAttentionHeads = heads, IntermediateSize = 4 * hidden,
        VocabSize = vocab, MaxPositionEmbeddings = 2048,
    };
    var folder = File.Exists(Path.Combine(directory, ModelFolder.SafetensorsFileName)) && config.Equals(ModelFolder.Open(directory).Config)
        ? ModelFolder.Open(directory)
        : RandomModel.Create(directory, config, seed: 1);
    if (!File.Exists(folder.OnnxPath)) OnnxExporter.Export(folder);
    return (folder, count);
}

// A Pile-like mix of document lengths: log-normal with median 380 tokens and σ = 1.3 (about a seventh under 100 tokens, a
// fifth beyond 1,024), at least 2 tokens and at most the model's positions; about 630 tokens per document on average (seed 3).
static int[] MixedLengths(int count, int maxPositions, int seed)
{
    var random = new Random(seed);
    return Enumerable.Range(0, count).Select(_ =>
    {
        double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return (int)Math.Clamp(Math.Round(Math.Exp(Math.Log(380) + 1.3 * normal)), 2, maxPositions);
    }).ToArray();
}

static List<int[]> RandomDocuments(int vocab, int[] lengths, int seed)
{
    var random = new Random(seed);
    return lengths.Select(length => Enumerable.Range(0, length).Select(_ => random.Next(vocab)).ToArray()).ToList();
}

// One row per document, right-padded with `padding` to the longest (bench_ort_node.mjs and bench_torch.py cut rows at the first −1).
static void WriteDocuments(string path, List<int[]> documents, int padding)
{
    int width = documents.Max(d => d.Length);
    var rows = new int[documents.Count * width];
    Array.Fill(rows, padding);
    for (int d = 0; d < documents.Count; d++) documents[d].CopyTo(rows, d * width);
    Npy.Write<int>(path, rows, documents.Count, width);
}

static List<int[]> ReadDocuments(string path)
{
    var array = Npy.Read<int>(path);
    int width = array.Shape[1];
    return Enumerable.Range(0, array.Shape[0])
        .Select(d => array.Data.AsSpan(d * width, width).ToArray().TakeWhile(t => t >= 0).ToArray()).ToList();
}

static void Report(string directory, List<int[]> documents, IReadOnlyList<float[]> losses, double seconds, double loadSeconds) =>
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        side = "quanta OnnxLossScorer",
        model = Path.GetFileName(directory),
        documents = documents.Count,
        tokens = documents.Sum(d => (long)d.Length),
        seconds,
        load_seconds = loadSeconds,
        mean_loss = losses.SelectMany(l => l).Average(),
    }));
