// .NET side of the tokenizer benchmark. Usage: TokenizerBenchmark <tokenizer.json> <texts.json> <hf-ids.bin> [passes]
// Encodes the texts single-threaded and with EncodeBatch over 1 and 2 threads (warm-up pass, then best
// of `passes`, default 3), prints "RESULT dotnet <mode> <MB/s>", and counts texts whose ids differ from Hugging Face's.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using QuantaDiscovery.Tokenize;

var tokenizer = ByteLevelBpeTokenizer.Load(args[0]);
var texts = JsonSerializer.Deserialize<string[]>(File.ReadAllText(args[1]))!;
var passes = args.Length > 3 ? int.Parse(args[3]) : 3;
var megabytes = texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t)) / 1e6;
Console.WriteLine($"{texts.Length} texts, {megabytes:F2} MB UTF-8");

var reference = ReadIds(args[2]);
var ours = texts.Select(tokenizer.Encode).ToArray();
var mismatches = Enumerable.Range(0, texts.Length).Count(i => !ours[i].AsSpan().SequenceEqual(reference[i]));
Console.WriteLine($"MISMATCH {mismatches} of {texts.Length} texts differ from Hugging Face " +
    $"({ours.Sum(a => (long)a.Length)} tokens here, {reference.Sum(a => (long)a.Length)} there)");

Report("single", () => { foreach (var text in texts) tokenizer.Encode(text); });
// Fresh tokenizers so the batch runs do not start with the single-threaded run's warm word cache.
var batchTokenizer = ByteLevelBpeTokenizer.Load(args[0]);
Report("batch1", () => batchTokenizer.EncodeBatch(texts, 1));
Report("batch2", () => batchTokenizer.EncodeBatch(texts, 2));

void Report(string mode, Action pass)
{
    pass(); // warm-up
    var (best, cpuOfBest) = (double.MaxValue, 0.0);
    var process = Process.GetCurrentProcess();
    for (var run = 0; run < passes; run++)
    {
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        pass();
        var seconds = watch.Elapsed.TotalSeconds;
        process.Refresh();
        if (seconds < best) (best, cpuOfBest) = (seconds, (process.TotalProcessorTime - cpuBefore).TotalSeconds);
    }
    // Cores busy = CPU seconds / wall seconds: on a shared machine it shows how much CPU the run got.
    Console.WriteLine($"RESULT dotnet {mode} {megabytes / best:F2}   (cores busy {cpuOfBest / best:F2})");
}

static int[][] ReadIds(string path)
{
    var bytes = File.ReadAllBytes(path);
    var ints = new int[bytes.Length / 4];
    Buffer.BlockCopy(bytes, 0, ints, 0, bytes.Length);
    var result = new List<int[]>();
    for (var offset = 0; offset < ints.Length; offset += 1 + ints[offset])
        result.Add(ints.AsSpan(offset + 1, ints[offset]).ToArray());
    return [.. result];
}
