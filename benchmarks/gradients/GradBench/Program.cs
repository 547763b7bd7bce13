// Our side of benchmarks/gradients.
//   GradBench prepare <work> <name:hidden:layers:heads> <context> <documents> <targets per document> [first document]
//     creates the random model (Pythia tokenizer, vocab 50304) once, writes corpus.jsonl (documents of the mini-pile test
//     split with at least 64 tokens), samples.parquet (targets evenly spread over each document) and targets.json for PyTorch.
//   GradBench throughput <work> <name> <threads>
//     times exact per-token gradients (paper filter) by the shared-forward path and by one forward+backward per token,
//     writes ours.npy (shared path) and prints one JSON line.
using System.Diagnostics;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Corpus;
using QuantaDiscovery.Gradients;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Select;
using QuantaDiscovery.Tokenize;

var repo = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../.."));
var work = args[1];
if (args[0] == "prepare")
{
    var spec = args[2].Split(':');
    var name = spec[0];
    int context = int.Parse(args[3]), documents = int.Parse(args[4]), targetsPerDocument = int.Parse(args[5]);
    int firstDocument = args.Length > 6 ? int.Parse(args[6]) : 0;
    var directory = Path.Combine(work, name);
    var config = new GptNeoXConfig
    {
        HiddenSize = int.Parse(spec[1]), NumHiddenLayers = int.Parse(spec[2]), NumAttentionHeads = int.Parse(spec[3]),
        IntermediateSize = 4 * int.Parse(spec[1]), VocabSize = 50304, MaxPositionEmbeddings = 2048,
    };
    var folder = File.Exists(Path.Combine(directory, ModelFolder.SafetensorsFileName)) && config.Equals(ModelFolder.Open(directory).Config)
        ? ModelFolder.Open(directory) : RandomModel.Create(directory, config, seed: 1);
    File.Copy(Path.Combine(repo, "models/tokenizers/gpt-neox-20b/tokenizer.json"), folder.TokenizerPath, overwrite: true);
    var tokenizer = ByteLevelBpeTokenizer.Load(folder.TokenizerPath);

    var texts = new List<string>();
    var samples = new List<TokenSample>();
    var targets = new List<object>();
    int skipped = 0;
    foreach (var split in new[] { "test", "train" })
        await foreach (var document in CorpusReader.ReadAsync(Path.Combine(repo, $"data/mini-pile/{split}.jsonl.zst")))
        {
            if (texts.Count == documents) break;
            var ids = tokenizer.Encode(document.Text);
            if (ids.Length < 64 || skipped++ < firstDocument) continue;
            ids = ids.Length > context ? ids[..context] : ids;
            var positions = Enumerable.Range(1, targetsPerDocument).Select(t => (int)((long)t * (ids.Length - 1) / targetsPerDocument)).Distinct().ToArray();
            foreach (var j in positions) samples.Add(new TokenSample(samples.Count, texts.Count, j, ids[j], 0, null, "", ""));
            targets.Add(new { tokens = ids, positions });
            texts.Add(document.Text);
        }
    File.WriteAllLines(Path.Combine(directory, "corpus.jsonl"), texts.Select(t => JsonSerializer.Serialize(new { text = t })));
    await SampleTable.WriteAsync(Path.Combine(directory, SampleTable.FileName), samples, hasSet: false);
    File.WriteAllText(Path.Combine(directory, "targets.json"), JsonSerializer.Serialize(targets));
    File.WriteAllText(Path.Combine(directory, "order.json"), JsonSerializer.Serialize(ParameterFilter.Paper.Select(config).Select(p => p.Name)));
    Console.Error.WriteLine($"{name}: {texts.Count} documents, {samples.Count} targets, d = {ParameterFilter.Paper.Dimension(config):N0}");
}
else if (args[0] == "throughput")
{
    var directory = Path.Combine(work, args[2]);
    int threads = int.Parse(args[3]);
    TorchSharp.torch.set_num_threads(threads);
    using var model = CausalLanguageModel.Load(ModelFolder.Open(directory));
    var documents = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "targets.json"))).RootElement.EnumerateArray()
        .Select(d => (Tokens: d.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray(),
                      Positions: d.GetProperty("positions").EnumerateArray().Select(t => t.GetInt32()).ToArray())).ToList();
    int n = documents.Sum(d => d.Positions.Length);
    var engine = new TokenGradients(model, ParameterFilter.Paper);
    var gradients = new float[n * engine.Dimension];

    engine.ForDocument(documents[0].Tokens, [documents[0].Positions[0]], (_, _) => { });   // warm-up
    var warm = (engine.ForwardPasses, engine.BackwardPasses);
    var stopwatch = Stopwatch.StartNew();
    int row = 0;
    foreach (var (tokens, positions) in documents)
    {
        int first = row;
        engine.ForDocument(tokens, positions, (t, blocks) => TokenGradients.CopyTo(blocks, gradients.AsSpan((first + t) * (int)engine.Dimension, (int)engine.Dimension)));
        row += positions.Length;
    }
    double shared = stopwatch.Elapsed.TotalSeconds;
    long backward = engine.BackwardPasses - warm.BackwardPasses, forward = engine.ForwardPasses - warm.ForwardPasses;

    stopwatch.Restart();
    double worst = 0;
    row = 0;
    foreach (var (tokens, positions) in documents)
        foreach (var j in positions)
        {
            var single = engine.ForToken(tokens, j);
            var mine = gradients.AsSpan(row++ * (int)engine.Dimension, (int)engine.Dimension);
            double diff = 0, norm = 0;
            for (int i = 0; i < single.Length; i++) { diff += (double)(single[i] - mine[i]) * (single[i] - mine[i]); norm += (double)single[i] * single[i]; }
            worst = Math.Max(worst, Math.Sqrt(diff / norm));
        }
    double perToken = stopwatch.Elapsed.TotalSeconds;
    Npy.Write<float>(Path.Combine(directory, "ours.npy"), gradients, n, (int)engine.Dimension);
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        side = "quanta", model = args[2], threads, tokens = n, dimension = engine.Dimension, forward_passes = forward, backward_passes = backward,
        shared_seconds = shared, shared_tokens_per_s = n / shared, per_token_seconds = perToken, per_token_tokens_per_s = n / perToken,
        max_relative_difference_shared_vs_per_token = worst,
    }));
}
