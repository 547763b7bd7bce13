using QuantaDiscovery.Common;
using System.Text;
using System.Text.Json;
using QuantaDiscovery.Corpus;

namespace QuantaDiscovery.Tokenize;

/// <summary>Outcome of <see cref="CorpusTokenization.WriteIdsJsonLinesAsync"/>.</summary>
public sealed record CorpusTokenizationResult(long LinesWritten, long DocumentsEncoded, long Tokens, CorpusReadReport Report);

/// <summary>Tokenizes a whole corpus into JSON lines of ids, one output line per input line.</summary>
public static class CorpusTokenization
{
    private const int DocumentsPerBatch = 256;

    /// <summary>
    /// Writes one line <c>{"ids":[...]}</c> per line of <paramref name="corpusPath"/>, in the same order, with no
    /// special tokens added. A bad input line skipped under <see cref="CorpusReadOptions.SkipBadLines"/> gives
    /// <c>{"ids":null}</c>, so output line i still belongs to input line i. The output appears under its final
    /// name only when complete (written to <c>&lt;output&gt;.tmp</c>, then renamed).
    /// </summary>
    public static async Task<CorpusTokenizationResult> WriteIdsJsonLinesAsync(ByteLevelBpeTokenizer tokenizer, string corpusPath,
        string outputPath, CorpusReadOptions? options = null, int maxDegreeOfParallelism = -1,
        CancellationToken cancellationToken = default)
    {
        var report = new CorpusReadReport();
        using var published = new PublishedFile(outputPath);
        var temporaryPath = published.TemporaryPath;
        long nextLine = 0, documents = 0, tokens = 0;
        using (var output = new StreamWriter(temporaryPath, false, new UTF8Encoding(false), 1 << 20))
        {
            var batch = new List<CorpusDocument>(DocumentsPerBatch);
            void Flush()
            {
                var ids = tokenizer.EncodeBatch(batch.Select(d => d.Text).ToList(), maxDegreeOfParallelism);
                for (int i = 0; i < batch.Count; i++)
                {
                    WriteSkippedLinesUpTo(output, ref nextLine, batch[i].Index);
                    WriteIds(output, ids[i]);
                    nextLine++;
                    tokens += ids[i].Length;
                }
                documents += batch.Count;
                batch.Clear();
            }
            await foreach (var document in CorpusReader.ReadAsync(corpusPath, options, report, cancellationToken))
            {
                batch.Add(document);
                if (batch.Count == DocumentsPerBatch) Flush();
            }
            if (batch.Count > 0) Flush();
            WriteSkippedLinesUpTo(output, ref nextLine, documents + report.SkippedCount);
        }
        published.Complete();
        return new CorpusTokenizationResult(nextLine, documents, tokens, report);
    }

    private static void WriteSkippedLinesUpTo(StreamWriter output, ref long nextLine, long line)
    {
        for (; nextLine < line; nextLine++)
            output.Write("{\"ids\":null}\n");
    }

    private static void WriteIds(StreamWriter output, int[] ids)
    {
        output.Write("{\"ids\":[");
        for (int i = 0; i < ids.Length; i++)
        {
            if (i > 0) output.Write(',');
            output.Write(ids[i]);
        }
        output.Write("]}\n");
    }

    /// <summary>Reads a file written by <see cref="WriteIdsJsonLinesAsync"/>; a skipped line reads as null.</summary>
    public static IEnumerable<int[]?> ReadIdsJsonLines(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            using var json = JsonDocument.Parse(line);
            var ids = json.RootElement.GetProperty("ids");
            yield return ids.ValueKind == JsonValueKind.Null ? null : ids.EnumerateArray().Select(e => e.GetInt32()).ToArray();
        }
    }
}
