using QuantaDiscovery.Common;

namespace QuantaDiscovery.Corpus;

/// <summary>The container a corpus file is stored in, chosen from its extension.</summary>
public enum CorpusFormat
{
    JsonLines,
    JsonLinesZstd,
    JsonLinesGzip,
    Parquet,
}

/// <summary>
/// Streams documents from a Pile-format corpus: JSON lines <c>{"text": "...", "meta": {"pile_set_name": "Github"}}</c>
/// as .jsonl, .jsonl.zst or .jsonl.gz, or a Parquet file with a <c>text</c> column and the set name either in a
/// <c>meta</c> struct, a flat <c>pile_set_name</c> column or a <c>meta</c> JSON string column.
/// Memory does not grow with the file: JSON lines are read one at a time, Parquet one row group at a time.
/// </summary>
public static class CorpusReader
{
    /// <summary>
    /// Reads the documents of <paramref name="path"/> in file order. Parquet is read asynchronously; JSON lines are
    /// parsed synchronously between yields (decompression and parsing are CPU-bound).
    /// </summary>
    /// <param name="report">filled in as the enumeration proceeds: documents read and lines skipped</param>
    /// <exception cref="InputException">
    /// the file is missing or has an unknown extension (thrown at once), or, while enumerating, a bad line or
    /// row (unless <see cref="CorpusReadOptions.SkipBadLines"/>), a truncated or corrupt compressed stream, or a
    /// Parquet file without a <c>text</c> column. Documents before the fault have already been yielded.
    /// </exception>
    public static IAsyncEnumerable<CorpusDocument> ReadAsync(string path, CorpusReadOptions? options = null,
        CorpusReadReport? report = null, CancellationToken cancellationToken = default)
    {
        var format = Validate(path, options);
        options ??= new CorpusReadOptions();
        report ??= new CorpusReadReport();
        return format == CorpusFormat.Parquet
            ? ParquetCorpus.ReadAsync(path, options, report, cancellationToken)
            : JsonLinesCorpus.Read(path, format, options, report, cancellationToken).ToAsyncEnumerable();
    }

    /// <summary>The format of a corpus file, from its extension; checks that the file exists.</summary>
    public static CorpusFormat FormatOf(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var name = Path.GetFileName(path).ToLowerInvariant();
        CorpusFormat? format = name switch
        {
            _ when name.EndsWith(".parquet", StringComparison.Ordinal) => CorpusFormat.Parquet,
            _ when name.EndsWith(".zst", StringComparison.Ordinal) || name.EndsWith(".zstd", StringComparison.Ordinal) => CorpusFormat.JsonLinesZstd,
            _ when name.EndsWith(".gz", StringComparison.Ordinal) => CorpusFormat.JsonLinesGzip,
            _ when name.EndsWith(".jsonl", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal)
                || name.EndsWith(".ndjson", StringComparison.Ordinal) => CorpusFormat.JsonLines,
            _ => null,
        };
        if (format is null)
            throw new InputException(
                "unknown corpus format: expected .jsonl (or .json), .jsonl.zst (or .zst), .jsonl.gz (or .gz) or .parquet", path);
        if (!File.Exists(path))
            throw new InputException("file not found", path);
        return format.Value;
    }

    private static CorpusFormat Validate(string path, CorpusReadOptions? options)
    {
        if (options?.MaxDocuments < 0)
            throw InputException.Invalid(nameof(options), null, $"MaxDocuments is {options.MaxDocuments}; it cannot be negative");
        return FormatOf(path);
    }
}
