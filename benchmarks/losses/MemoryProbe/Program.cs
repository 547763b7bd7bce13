using System.Globalization;
using QuantaDiscovery.Score;

// Live managed memory of CorpusScoring.RunAsync as rows accumulate: after every `every` rows, a full collection and the
// bytes still reachable. Usage: MemoryProbe <model dir> <corpus> <output dir> <context> [every = 250000]
// Prints "rows,live_mib,gc_heap_mib,working_set_mib" lines (CSV).
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: MemoryProbe <model dir> <corpus> <output dir> <context> [every]");
    return 2;
}
long every = args.Length > 4 ? long.Parse(args[4], CultureInfo.InvariantCulture) : 250_000;
long next = every;
Console.WriteLine("rows,live_mib,gc_heap_mib,working_set_mib");
var probe = new SynchronousProgress(p =>
{
    if (p.PredictedTokens < next) return;
    next += every;
    const double MiB = 1 << 20;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{p.PredictedTokens},{GC.GetTotalMemory(forceFullCollection: true) / MiB:F1},{GC.GetGCMemoryInfo().HeapSizeBytes / MiB:F1},{Environment.WorkingSet / MiB:F1}"));
});
await CorpusScoring.RunAsync([args[0]], args[1], args[2], new CorpusScoringOptions { Context = int.Parse(args[3], CultureInfo.InvariantCulture) }, probe);
return 0;

/// <summary>Runs the handler on the scoring thread, between chunks (Progress&lt;T&gt; would post it to the thread pool).</summary>
internal sealed class SynchronousProgress(Action<ScoringProgress> handler) : IProgress<ScoringProgress>
{
    public void Report(ScoringProgress value) => handler(value);
}
