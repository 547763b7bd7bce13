using System.IO.Compression;
using System.Text.Json;
using QuantaDiscovery.Common;
using ZstdSharp;

namespace QuantaDiscovery.Corpus;

/// <summary>Pile-format JSON lines, plain or compressed with zstd or gzip.</summary>
internal static class JsonLinesCorpus
{
    static JsonLinesCorpus() => GzipTruncation.EnableDetection();

    public static IEnumerable<CorpusDocument> Read(string path, CorpusFormat format, CorpusReadOptions options,
        CorpusReadReport report, CancellationToken cancellationToken)
    {
        if (options.MaxDocuments == 0) yield break;
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        var decompressed = Decompress(file, format);
        var counted = format == CorpusFormat.JsonLinesGzip && !GzipTruncation.DetectedByRuntime
            ? new CountingStream(decompressed) : null;
        var source = counted ?? decompressed;
        using var lines = new LineReader(format == CorpusFormat.JsonLines ? source : new ReadAheadStream(source));
        long lineIndex = -1, yielded = 0;
        while (NextLine(lines, path, format, lineIndex))
        {
            lineIndex++;
            cancellationToken.ThrowIfCancellationRequested();
            var status = ParseLine(lines.Current, lineIndex == 0, out var text, out var setName, out var problem);
            if (status == LineStatus.Blank) continue;
            if (status == LineStatus.Bad)
            {
                if (!options.SkipBadLines)
                    throw new InputException(problem!, path, line: lineIndex + 1);
                report.RecordSkip(new SkippedDocument(lineIndex, $"line {lineIndex + 1}", problem!));
                continue;
            }
            report.DocumentsRead++;
            yield return new CorpusDocument(lineIndex, text!, setName);
            if (++yielded == options.MaxDocuments) yield break;
        }
        if (counted is not null)
            GzipTruncation.CheckTrailer(counted.BytesRead, path, lineIndex + 1);
    }

    private static Stream Decompress(FileStream file, CorpusFormat format) => format switch
    {
        CorpusFormat.JsonLinesZstd => new DecompressionStream(file, bufferSize: 0, checkEndOfStream: true, leaveOpen: false),
        CorpusFormat.JsonLinesGzip => new GZipStream(file, CompressionMode.Decompress, leaveOpen: false),
        _ => file,
    };

    /// <summary>Advances the line reader, turning a failure of the (decompressing) stream into an <see cref="InputException"/>.</summary>
    private static bool NextLine(LineReader lines, string path, CorpusFormat format, long lastLineIndex)
    {
        var completeLines = lastLineIndex + 1;
        try
        {
            return lines.MoveNext();
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ZstdException)
        {
            var container = format switch
            {
                CorpusFormat.JsonLinesZstd => "zstd stream",
                CorpusFormat.JsonLinesGzip => "gzip stream",
                _ => "file",
            };
            var what = e is ZstdException ? "is corrupt" : e.Message.StartsWith("a line is longer", StringComparison.Ordinal)
                ? $"has a line too long to read ({e.Message})" : "is truncated or corrupt";
            throw new InputException(
                $"{container} {what} after line {completeLines}, the last complete line read ({e.Message})",
                path, inner: e);
        }
    }

    private enum LineStatus { Document, Blank, Bad }

    /// <summary>
    /// Parses one line, materialising only <c>text</c> and <c>meta.pile_set_name</c>; other fields are skipped.
    /// A line of only whitespace is <see cref="LineStatus.Blank"/> (no document, not an error).
    /// </summary>
    private static LineStatus ParseLine(ReadOnlySpan<byte> line, bool isFirstLine, out string? text, out string? setName,
        out string? problem)
    {
        text = setName = problem = null;
        if (isFirstLine && line.StartsWith("\uFEFF"u8)) line = line[3..];
        if (line.Trim(" \t\r"u8).IsEmpty) return LineStatus.Blank;
        var reader = new Utf8JsonReader(line);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                problem = $"expected a JSON object, found {Describe(reader.TokenType)}";
                return LineStatus.Bad;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        problem = $"'text' is {Describe(reader.TokenType)}, expected a string";
                        return LineStatus.Bad;
                    }
                    text = reader.GetString();
                }
                else if (reader.ValueTextEquals("meta"u8))
                {
                    reader.Read();
                    setName = ReadSetName(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            while (reader.Read()) { }    // anything after the object is an error of the reader
        }
        catch (JsonException e)
        {
            problem = $"malformed JSON: {e.Message}";
            return LineStatus.Bad;
        }
        if (text is null)
        {
            problem = "no 'text' field";
            return LineStatus.Bad;
        }
        return LineStatus.Document;
    }

    /// <summary>Reads <c>pile_set_name</c> out of the <c>meta</c> value the reader is on; null if it has none.</summary>
    private static string? ReadSetName(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }
        string? setName = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isSetName = reader.ValueTextEquals("pile_set_name"u8);
            reader.Read();
            if (isSetName && reader.TokenType == JsonTokenType.String) setName = reader.GetString();
            else reader.Skip();
        }
        return setName;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
