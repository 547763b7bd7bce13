// Our side of benchmarks/losses. Creates the random models (once) and exports model.onnx, writes the documents all
// sides share, and times OnnxLossScorer.ScoreBatch. Prints one JSON line per model.
// Usage:
//   LossBench full <work> <threads> <context> <name:hidden:layers:heads:vocab:documents>...
//       documents of <context> tokens each (documents.npy); the fastest of three passes after a warm-up
//   LossBench prepare-mixed <work> <name:hidden:layers:heads:vocab:documents>...
//       models, mixed.npy (documents of heavy-tailed lengths, see MixedLengths; rows right-padded with −1) and
//       full.npy (as many tokens in documents of 1,024, for comparison) only
//   LossBench score <work> <threads> <documents .npy> <name>...
//       one pass over the documents, nothing before it, so that the whole process is what a `quanta losses` run pays
//   LossBench load <work> <threads> <name>...
//       start-up alone: the fastest of three OnnxLossScorer constructions (read model.onnx, append the loss head, create
//       the ONNX Runtime session)
//   LossBench profile <work> <threads> <name> [memory-pattern] [BxT...]
//       where the time of a pass over mixed.npy (or random documents of the shapes BxT: B documents of T tokens) goes: the
//       scorer's graph (model.onnx + OnnxLossHead) in a session like the scorer's with ONNX Runtime's profiler on, the
//       scorer's batches; prints milliseconds per operator type and for the loss head's nodes. memory-pattern: ONNX
//       Runtime's memory pattern on (the scorer turns it off).
//   LossBench warm <work> <threads> <documents .npy> <name>
//       user CPU milliseconds per token of the first pass and of the fastest of three later passes
//   LossBench shapes <work> <threads> <name> BxT...
//       user CPU milliseconds per token of passes at fixed batch shapes (fastest of three each)
using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
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
            // The same mix cut to each document's first 1,024 tokens, as the paper scores the Pile.
            WriteDocuments(Path.Combine(folder.Directory, "mixed-1024.npy"), [.. documents.Select(d => d.Length > 1024 ? d[..1024] : d)], padding: -1);
            int fullLength = Math.Min(1024, folder.Config.MaxPositionEmbeddings);
            var full = RandomDocuments(folder.Config.VocabSize, Enumerable.Repeat(fullLength, (int)Math.Round(documents.Sum(d => d.Length) / (double)fullLength)).ToArray(), seed: 5);
            WriteDocuments(Path.Combine(folder.Directory, "full.npy"), full, padding: -1);
        }
        break;
    case "score":
    {
        int threads = int.Parse(args[2]);
        foreach (var name in args[4..])
        {
            var clock = Stopwatch.StartNew();
            var folder = ModelFolder.Open(Path.Combine(args[1], name));
            var documents = ReadDocuments(Path.Combine(folder.Directory, args[3]));
            using var scorer = new OnnxLossScorer(folder, new OnnxScorerOptions { IntraOpThreads = threads });
            double load = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var losses = scorer.ScoreBatch(documents);
            Report(folder.Directory, documents, losses, clock.Elapsed.TotalSeconds, load);
        }
        break;
    }
    case "load":
        foreach (var name in args[3..])
        {
            var folder = ModelFolder.Open(Path.Combine(args[1], name));
            double seconds = double.MaxValue;
            for (int repeat = 0; repeat < 3; repeat++)
            {
                var clock = Stopwatch.StartNew();
                using (new OnnxLossScorer(folder, new OnnxScorerOptions { IntraOpThreads = int.Parse(args[2]) }))
                    seconds = Math.Min(seconds, clock.Elapsed.TotalSeconds);
            }
            Console.WriteLine(JsonSerializer.Serialize(new { side = "quanta OnnxLossScorer start-up", model = name, seconds }));
        }
        break;
    case "profile":
    {
        var folder = ModelFolder.Open(Path.Combine(args[1], args[3]));
        var shapes = args[4..].Where(a => a.Contains('x')).Select(a => a.Split('x').Select(int.Parse).ToArray()).ToList();
        var documents = (shapes.Count > 0
                ? shapes.SelectMany(s => RandomDocuments(folder.Config.VocabSize, Enumerable.Repeat(s[1], s[0]).ToArray(), seed: 7))
                : ReadDocuments(Path.Combine(folder.Directory, MixedFile)))
            .Where(d => d.Length >= 2).OrderByDescending(d => d.Length).ToList();
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(folder.OnnxPath));
        OnnxLossHead.Append(model, folder.OnnxPath);
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = int.Parse(args[2]), InterOpNumThreads = 1, EnableMemoryPattern = args.Contains("memory-pattern"),
            // The prefix first: setting EnableProfiling starts the profiler with the prefix set so far.
            ProfileOutputPathPrefix = Path.Combine(args[1], "profile"), EnableProfiling = true,
        };
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model), options);
        int passes = 0;
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < documents.Count; passes++)
        {
            int length = documents[start].Length;
            int count = Math.Min((int)Math.Clamp(OnnxScorerOptions.CpuBatchTokens / length, 1, OnnxScorerOptions.CpuBatchSize), documents.Count - start);
            var ids = new long[count * length];
            var mask = new long[count * length];
            for (int b = 0; b < count; b++)
                for (int t = 0; t < documents[start + b].Length; t++) (ids[b * length + t], mask[b * length + t]) = (documents[start + b][t], 1);
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [count, length]);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [count, length]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, ["input_ids", "attention_mask"], [idsValue, maskValue], [OnnxLossHead.OutputName]);
            start += count;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var profile = session.EndProfiling();
        var nodes = JsonDocument.Parse(File.ReadAllText(profile)).RootElement.EnumerateArray()
            .Where(e => e.GetProperty("cat").GetString() == "Node" && e.GetProperty("name").GetString()!.EndsWith("_kernel_time"))
            .Select(e => (Name: e.GetProperty("name").GetString()!, Op: e.GetProperty("args").GetProperty("op_name").GetString()!,
                Ms: e.GetProperty("dur").GetInt64() / 1000.0))
            .ToList();
        Console.WriteLine($"{passes} passes, {seconds:0.0} s, memory pattern {(options.EnableMemoryPattern ? "on" : "off")}; kernel time {nodes.Sum(n => n.Ms):0} ms; profile {profile}");
        foreach (var group in nodes.GroupBy(n => n.Op).OrderByDescending(g => g.Sum(n => n.Ms)).Take(12))
            Console.WriteLine($"  {group.Key,-28} {group.Sum(n => n.Ms),9:0} ms");
        Console.WriteLine($"  loss head (/loss_head/ nodes) {nodes.Where(n => n.Name.StartsWith("/loss_head/") || n.Name.StartsWith(OnnxLossHead.OutputName)).Sum(n => n.Ms),9:0} ms");
        break;
    }
    case "warm":
    {
        // User CPU milliseconds per token of whole passes over a documents file after one pass of warm-up (fastest of three).
        var folder = ModelFolder.Open(Path.Combine(args[1], args[4]));
        var documents = ReadDocuments(Path.Combine(folder.Directory, args[3]));
        using var scorer = new OnnxLossScorer(folder, new OnnxScorerOptions { IntraOpThreads = int.Parse(args[2]) });
        var process = Process.GetCurrentProcess();
        double first = 0, cpu = double.MaxValue;
        for (int repeat = 0; repeat < 4; repeat++)
        {
            process.Refresh();
            var before = process.UserProcessorTime;
            scorer.ScoreBatch(documents);
            process.Refresh();
            double ms = (process.UserProcessorTime - before).TotalMilliseconds;
            if (repeat == 0) first = ms; else cpu = Math.Min(cpu, ms);
        }
        long tokens = documents.Sum(d => (long)d.Length);
        Console.WriteLine($"{args[3]}: {tokens} tokens, first pass {first / tokens:0.000} user ms/token, warm {cpu / tokens:0.000}");
        break;
    }
    case "shapes":
    {
        // CPU milliseconds per token of the scorer's passes at fixed shapes (documents x length), fastest of three.
        var folder = ModelFolder.Open(Path.Combine(args[1], args[3]));
        using var scorer = new OnnxLossScorer(folder, new OnnxScorerOptions { IntraOpThreads = int.Parse(args[2]) });
        scorer.ScoreBatch(RandomDocuments(folder.Config.VocabSize, [64], seed: 6));
        var process = Process.GetCurrentProcess();
        foreach (var shape in args[4..])
        {
            var parts = shape.Split('x');
            int count = int.Parse(parts[0]), length = int.Parse(parts[1]);
            var documents = RandomDocuments(folder.Config.VocabSize, Enumerable.Repeat(length, count).ToArray(), seed: 7);
            double cpu = double.MaxValue, wall = double.MaxValue;
            for (int repeat = 0; repeat < 3; repeat++)
            {
                process.Refresh();
                var before = process.UserProcessorTime;
                var clock = Stopwatch.StartNew();
                scorer.ScoreBatch(documents);
                wall = Math.Min(wall, clock.Elapsed.TotalMilliseconds);
                process.Refresh();
                cpu = Math.Min(cpu, (process.UserProcessorTime - before).TotalMilliseconds);
            }
            Console.WriteLine($"{shape,10} user {cpu,8:0} ms {cpu / (count * length),7:0.000} ms/token   wall {wall,8:0} ms {wall / (count * length),7:0.000} ms/token");
        }
        break;
    }
    default:
        throw new ArgumentException($"unknown mode '{args[0]}' (full, prepare-mixed, score, load, profile or shapes)");
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
