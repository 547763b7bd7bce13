// Two modes, used by ../run.sh:
//   generate <bytes>                 writes Pile-like JSON lines (about <bytes> bytes) to stdout
//   read <path> <lines> <bytes>      reads <path> through CorpusReader and reports throughput and memory
using System.Diagnostics;
using System.Text;
using QuantaDiscovery.Corpus;

return args switch
{
    ["generate", var bytes] => Generate(long.Parse(bytes)),
    ["read", var path, var lines, var bytes] => await ReadAsync(path, long.Parse(lines), long.Parse(bytes)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: CorpusBench generate <bytes> | read <path> <lines> <uncompressed bytes>");
    return 2;
}

// Documents of words drawn from a Zipf-like vocabulary, with escapes (\n, \", \t) and non-ASCII text, so the
// compression ratio and the JSON unescaping work resemble the Pile's.
static int Generate(long targetBytes)
{
    string[] sets = ["Pile-CC", "PubMed Central", "Books3", "OpenWebText2", "ArXiv", "Github", "FreeLaw",
        "StackExchange", "USPTO Backgrounds", "PubMed Abstracts", "Gutenberg (PG-19)", "OpenSubtitles", "Wikipedia (en)",
        "DM Mathematics", "Ubuntu IRC", "BookCorpus2", "EuroParl", "HackerNews", "YoutubeSubtitles", "PhilPapers",
        "NIH ExPorter", "Enron Emails"];
    var random = new Random(20230328);
    var vocabulary = new byte[50_000][];
    for (int i = 0; i < vocabulary.Length; i++)
    {
        var word = new StringBuilder();
        for (int k = 0, length = 1 + random.Next(2, 10); k < length; k++) word.Append((char)('a' + random.Next(26)));
        if (i % 97 == 96) word.Append("é");          // about 1% of words carry non-ASCII text,
        if (i % 499 == 498) word.Append("中文");      // none of the most frequent ones
        vocabulary[i] = Encoding.UTF8.GetBytes(word.ToString());
    }
    // one word boundary in 6 is an escape (\n, \" or \t): about one escape per 45 bytes of text
    byte[][] separators = [.. Enumerable.Repeat(" "u8.ToArray(), 15), ", "u8.ToArray(), ", "u8.ToArray(), ". "u8.ToArray(),
        ". "u8.ToArray(), ". "u8.ToArray(), "\\n"u8.ToArray(), "\\n"u8.ToArray(), "\\\""u8.ToArray(), "\\t"u8.ToArray()];
    // ranks ~ Zipf: rank = floor(V^u) - 1 for uniform u, tabulated once
    var zipfRanks = new int[1 << 20];
    for (int i = 0; i < zipfRanks.Length; i++) zipfRanks[i] = (int)Math.Pow(vocabulary.Length, random.NextDouble()) - 1;
    using var output = new BufferedStream(Console.OpenStandardOutput(), 1 << 20);
    var line = new MemoryStream();
    long written = 0;
    while (written < targetBytes)
    {
        line.SetLength(0);
        line.Write("{\"text\": \""u8);
        int words = (int)Math.Min(200_000, Math.Exp(5.5 + 1.2 * Gaussian(random)));
        for (int w = 0; w < words; w++)
        {
            int draw = random.Next();
            line.Write(vocabulary[zipfRanks[draw & (zipfRanks.Length - 1)]]);
            line.Write(separators[(draw >>> 20) % separators.Length]);
        }
        line.Write("\", \"meta\": {\"pile_set_name\": \""u8);
        line.Write(Encoding.UTF8.GetBytes(sets[random.Next(sets.Length)]));
        line.Write("\"}}\n"u8);
        output.Write(line.GetBuffer(), 0, (int)line.Length);
        written += line.Length;
    }
    return 0;
}

static double Gaussian(Random random) =>
    Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

static async Task<int> ReadAsync(string path, long lines, long uncompressedBytes)
{
    var process = Process.GetCurrentProcess();
    long[] checkpoints = [lines / 10, lines / 2, lines];
    string[] labels = ["10%", "50%", "100%"];
    int next = 0;
    long documents = 0, characters = 0;
    var setCounts = new Dictionary<string, long>();
    var clock = Stopwatch.StartNew();
    Console.WriteLine("progress  documents     seconds  documents/s  MB/s(uncompressed)  peak working set MB  GC heap MB");
    await foreach (var document in CorpusReader.ReadAsync(path))
    {
        documents++;
        characters += document.Text.Length;
        if (document.SetName is { } set) setCounts[set] = setCounts.GetValueOrDefault(set) + 1;
        while (next < checkpoints.Length && documents == checkpoints[next])
        {
            double seconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            double megabytes = uncompressedBytes * ((double)documents / lines) / 1e6;
            Console.WriteLine($"{labels[next],8}  {documents,9}  {seconds,10:F2}  {documents / seconds,11:F0}  {megabytes / seconds,18:F1}  " +
                $"{process.PeakWorkingSet64 / 1e6,19:F1}  {GC.GetTotalMemory(false) / 1e6,10:F1}");
            next++;
        }
    }
    double total = clock.Elapsed.TotalSeconds;
    process.Refresh();
    Console.WriteLine($"ours: documents={documents} characters={characters} sets={setCounts.Count} wall_s={total:F2} " +
        $"cpu_s={process.TotalProcessorTime.TotalSeconds:F2} MB/s={uncompressedBytes / 1e6 / total:F1} " +
        $"peak_working_set_MB={process.PeakWorkingSet64 / 1e6:F1}");
    Console.WriteLine($"ours: gc_count gen0={GC.CollectionCount(0)} gen1={GC.CollectionCount(1)} gen2={GC.CollectionCount(2)} " +
        $"gc_pause_s={GC.GetTotalPauseDuration().TotalSeconds:F2} allocated_GB={GC.GetTotalAllocatedBytes() / 1e9:F1}");
    return documents == lines ? 0 : 1;
}
