// Our side of benchmarks/losses: creates the random models (once), exports model.onnx, writes the shared
// documents.npy, then times OnnxLossScorer.ScoreBatch over all documents (fastest of three passes). Prints one JSON line per model.
// Usage: LossBench <work folder> <intra-op threads> <context> <name:hidden:layers:heads:vocab:documents>...
using System.Diagnostics;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Models.Onnx;
using QuantaDiscovery.Score;

var work = args[0];
int threads = int.Parse(args[1]), context = int.Parse(args[2]);
foreach (var spec in args[3..])
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

    var random = new Random(2);
    var tokens = new int[count * context];
    for (int i = 0; i < tokens.Length; i++) tokens[i] = random.Next(vocab);
    Npy.Write<int>(Path.Combine(directory, "documents.npy"), tokens, count, context);
    var documents = Enumerable.Range(0, count).Select(d => tokens.AsSpan(d * context, context).ToArray()).ToList();

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
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        side = "quanta OnnxLossScorer",
        model = name,
        documents = count,
        tokens = (long)count * context,
        seconds,
        mean_loss = losses.SelectMany(l => l).Average(),
    }));
}
