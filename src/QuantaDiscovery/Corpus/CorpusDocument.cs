namespace QuantaDiscovery.Corpus;

/// <summary>One document of a Pile-format corpus.</summary>
/// <param name="Index">
/// 0-based line index (.jsonl, compressed or not) or row index (.parquet) in the input. Stable when bad
/// lines are skipped, so later stages can key rows by it.
/// </param>
/// <param name="Text">the document text (the <c>text</c> field)</param>
/// <param name="SetName">the Pile subset (<c>meta.pile_set_name</c>), or null when the input has none</param>
public sealed record CorpusDocument(long Index, string Text, string? SetName);

/// <summary>How <see cref="CorpusReader"/> treats the input.</summary>
public sealed record CorpusReadOptions
{
    /// <summary>
    /// When true, malformed JSON lines and documents without a string <c>text</c> are skipped and recorded in
    /// the <see cref="CorpusReadReport"/>; when false (the default) the first one is an <see cref="Common.InputException"/>.
    /// A truncated or corrupt compressed stream is always an error.
    /// </summary>
    public bool SkipBadLines { get; init; }

    /// <summary>Stop after this many documents have been yielded (null: read to the end).</summary>
    public long? MaxDocuments { get; init; }
}

/// <summary>A line (.jsonl) or row (.parquet) that was skipped, and why.</summary>
/// <param name="Index">the 0-based line or row index, as in <see cref="CorpusDocument.Index"/></param>
/// <param name="Location">where to look, for a person: "line 12" (1-based) or "document 11" (0-based row)</param>
/// <param name="Reason">what was wrong with it</param>
public sealed record SkippedDocument(long Index, string Location, string Reason);

/// <summary>
/// What a read did: documents yielded and lines skipped. Pass one to <see cref="CorpusReader.ReadAsync"/> and
/// inspect it once the enumeration has finished.
/// </summary>
public sealed class CorpusReadReport
{
    /// <summary>How many skipped lines are listed in <see cref="FirstSkipped"/>; the rest are only counted.</summary>
    public const int MaxListed = 10;

    private readonly List<SkippedDocument> _firstSkipped = [];

    public long DocumentsRead { get; internal set; }
    public long SkippedCount { get; private set; }
    public IReadOnlyList<SkippedDocument> FirstSkipped => _firstSkipped;

    internal void RecordSkip(SkippedDocument skipped)
    {
        SkippedCount++;
        if (_firstSkipped.Count < MaxListed) _firstSkipped.Add(skipped);
    }

    /// <summary>One line per listed skip, e.g. for a log: "skipped 3 bad lines: line 5: malformed JSON ...".</summary>
    public string Summary()
    {
        if (SkippedCount == 0) return $"read {DocumentsRead} documents, none skipped";
        var listed = string.Join(Environment.NewLine, _firstSkipped.Select(s => $"  {s.Location}: {s.Reason}"));
        var more = SkippedCount > _firstSkipped.Count ? $"{Environment.NewLine}  ... and {SkippedCount - _firstSkipped.Count} more" : "";
        return $"read {DocumentsRead} documents, skipped {SkippedCount} bad ones:{Environment.NewLine}{listed}{more}";
    }
}
