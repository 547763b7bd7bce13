using Parquet;
using Parquet.Schema;

namespace QuantaDiscovery.Tables;

/// <summary>
/// Streams per-token rows into a Parquet table (see <see cref="TokenTableSchema"/>), one row group every
/// <c>rowGroupSize</c> rows. Appending only buffers (the rows arrive as spans); <see cref="FlushAsync"/> writes the row
/// groups filled since the last flush, so a caller that flushes after each batch holds at most that batch's row groups.
/// The file is written as <c>&lt;path&gt;.tmp</c> and renamed to <c>path</c> only by an explicit <see cref="CompleteAsync"/>:
/// disposing a writer that was not completed (an exception unwinding, a cancelled run) discards the partial file, so a
/// truncated table is never published. A killed process leaves at most a .tmp file.
/// </summary>
public sealed class TokenTableWriter : IAsyncDisposable
{
    /// <summary>
    /// 122,880 rows, DuckDB's row group size: about 3 MB per row group for a single-model table, so a writer's buffers
    /// and the Parquet encoder's scratch stay a few MB however many tokens are scored.
    /// </summary>
    public const int DefaultRowGroupSize = 122_880;

    private readonly FileStream _file;
    private readonly ParquetWriter _writer;
    private readonly DataField<long> _docField;
    private readonly DataField<int> _posField;
    private readonly DataField<int> _tokenField;
    private readonly DataField<float>[] _lossFields;
    private readonly DataField<string>? _setField;
    private readonly Queue<RowGroup> _full = new();
    private readonly Stack<RowGroup> _spare = new();
    private RowGroup _current;
    private bool _finished;

    /// <summary>One row group's columns while they are buffered.</summary>
    private sealed class RowGroup(int size, int lossColumns, bool hasSet)
    {
        public readonly long[] Doc = new long[size];
        public readonly int[] Pos = new int[size];
        public readonly int[] Token = new int[size];
        public readonly float[][] Losses = [.. Enumerable.Range(0, lossColumns).Select(_ => new float[size])];
        public readonly string?[]? Set = hasSet ? new string?[size] : null;
        public int Count;
    }

    /// <summary>The table's final path (the file being written is <see cref="TemporaryPath"/>).</summary>
    public string Path { get; }
    public string TemporaryPath => Path + ".tmp";
    public TokenTableSchema Schema { get; }
    public int RowGroupSize { get; }

    /// <summary>Rows appended so far.</summary>
    public long RowCount { get; private set; }

    private TokenTableWriter(string path, TokenTableSchema schema, int rowGroupSize, FileStream file, ParquetWriter writer,
        ParquetSchema parquetSchema)
    {
        Path = path;
        Schema = schema;
        RowGroupSize = rowGroupSize;
        _file = file;
        _writer = writer;
        var fields = parquetSchema.GetDataFields();
        _docField = (DataField<long>)fields[0];
        _posField = (DataField<int>)fields[1];
        _tokenField = (DataField<int>)fields[2];
        _lossFields = [.. fields.Skip(3).Take(schema.LossColumns.Count).Cast<DataField<float>>()];
        _setField = schema.HasSet ? (DataField<string>)fields[^1] : null;
        _current = NewRowGroup();
    }

    private RowGroup NewRowGroup() => _spare.Count > 0 ? _spare.Pop() : new RowGroup(RowGroupSize, _lossFields.Length, _setField is not null);

    /// <summary>Starts a table at <paramref name="path"/> (written to <c>path.tmp</c> until completed).</summary>
    public static async Task<TokenTableWriter> CreateAsync(string path, TokenTableSchema schema, int rowGroupSize = DefaultRowGroupSize,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        var parquetSchema = ParquetSchemaOf(schema);
        var file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var writer = await ParquetWriter.CreateAsync(parquetSchema, file, cancellationToken: cancellationToken);
            return new TokenTableWriter(path, schema, rowGroupSize, file, writer, parquetSchema);
        }
        catch
        {
            await file.DisposeAsync();
            File.Delete(path + ".tmp");
            throw;
        }
    }

    internal static ParquetSchema ParquetSchemaOf(TokenTableSchema schema)
    {
        var fields = new List<Field>
        {
            new DataField<long>(TokenTableSchema.DocColumn),
            new DataField<int>(TokenTableSchema.PosColumn),
            new DataField<int>(TokenTableSchema.TokenColumn),
        };
        fields.AddRange(schema.LossColumns.Select(name => new DataField<float>(name)));
        if (schema.HasSet) fields.Add(new DataField<string>(TokenTableSchema.SetColumn));
        return new ParquetSchema(fields);
    }

    /// <summary>Appends one row of a single-loss table.</summary>
    public void Append(long doc, int pos, int token, float loss, string? set = null) =>
        Append(doc, pos, token, [loss], set);

    /// <summary>Appends one row; <paramref name="losses"/> has one value per loss column.</summary>
    public void Append(long doc, int pos, int token, ReadOnlySpan<float> losses, string? set = null)
    {
        CheckOpen();
        if (losses.Length != _lossFields.Length)
            throw new ArgumentException($"{losses.Length} losses given for {_lossFields.Length} loss columns", nameof(losses));
        var group = _current;
        int row = group.Count;
        group.Doc[row] = doc;
        group.Pos[row] = pos;
        group.Token[row] = token;
        for (int c = 0; c < _lossFields.Length; c++) group.Losses[c][row] = losses[c];
        if (group.Set is not null) group.Set[row] = set;
        group.Count++;
        RowCount++;
        if (group.Count == RowGroupSize)
        {
            _full.Enqueue(group);
            _current = NewRowGroup();
        }
    }

    /// <summary>
    /// Appends the tokens of one document at positions 0, 1, …; <paramref name="losses"/> is row-major
    /// [tokens, loss columns] (for a single-loss table, one loss per token).
    /// </summary>
    public void AppendDocument(long doc, ReadOnlySpan<int> tokens, ReadOnlySpan<float> losses, string? set = null)
    {
        int columns = _lossFields.Length;
        if (losses.Length != tokens.Length * columns)
            throw new ArgumentException(
                $"{losses.Length} losses given for {tokens.Length} tokens × {columns} loss columns", nameof(losses));
        for (int i = 0; i < tokens.Length; i++)
            Append(doc, i, tokens[i], losses.Slice(i * columns, columns), set);
    }

    /// <summary>
    /// Appends rows given as columns; <paramref name="losses"/> is row-major [rows, loss columns], and
    /// <paramref name="set"/> is empty (no set) or has one entry per row.
    /// </summary>
    public void Append(ReadOnlySpan<long> doc, ReadOnlySpan<int> pos, ReadOnlySpan<int> token, ReadOnlySpan<float> losses,
        ReadOnlySpan<string?> set = default)
    {
        int rows = doc.Length, columns = _lossFields.Length;
        if (pos.Length != rows || token.Length != rows)
            throw new ArgumentException($"column lengths differ: doc {rows}, pos {pos.Length}, token {token.Length}");
        if (losses.Length != rows * columns)
            throw new ArgumentException($"{losses.Length} losses given for {rows} rows × {columns} loss columns", nameof(losses));
        if (!set.IsEmpty && set.Length != rows)
            throw new ArgumentException($"{set.Length} set names given for {rows} rows", nameof(set));
        for (int i = 0; i < rows; i++)
            Append(doc[i], pos[i], token[i], losses.Slice(i * columns, columns), set.IsEmpty ? null : set[i]);
    }

    private void CheckOpen() => ObjectDisposedException.ThrowIf(_finished, this);

    /// <summary>Writes the row groups filled since the last flush (a partly filled one waits for more rows or <see cref="CompleteAsync"/>).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        CheckOpen();
        while (_full.TryDequeue(out var group))
        {
            await WriteRowGroupAsync(group, cancellationToken);
            _spare.Push(group);
        }
    }

    private async Task WriteRowGroupAsync(RowGroup group, CancellationToken cancellationToken)
    {
        int rows = group.Count;
        if (rows == 0) return;
        try
        {
            using var rowGroup = _writer.CreateRowGroup();
            await rowGroup.WriteAsync(_docField, new ReadOnlyMemory<long>(group.Doc, 0, rows), cancellationToken: cancellationToken);
            await rowGroup.WriteAsync(_posField, new ReadOnlyMemory<int>(group.Pos, 0, rows), cancellationToken: cancellationToken);
            await rowGroup.WriteAsync(_tokenField, new ReadOnlyMemory<int>(group.Token, 0, rows), cancellationToken: cancellationToken);
            for (int c = 0; c < _lossFields.Length; c++)
                await rowGroup.WriteAsync(_lossFields[c], new ReadOnlyMemory<float>(group.Losses[c], 0, rows), cancellationToken: cancellationToken);
            if (_setField is not null)
            {
                await rowGroup.WriteAsync(_setField, new ArraySegment<string>(group.Set!, 0, rows));
                Array.Clear(group.Set!, 0, rows);
            }
            rowGroup.CompleteValidate();
        }
        catch
        {
            await DiscardAsync();
            throw;
        }
        group.Count = 0;
    }

    /// <summary>Writes the remaining rows and the footer, then renames the .tmp file to <see cref="Path"/>.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_finished) return;
        await FlushAsync(cancellationToken);
        await WriteRowGroupAsync(_current, cancellationToken);
        await _writer.DisposeAsync();
        await _file.DisposeAsync();
        _finished = true;
        File.Move(TemporaryPath, Path, overwrite: true);
    }

    /// <summary>Discards the table: the .tmp file is deleted and nothing appears at <see cref="Path"/>.</summary>
    public async Task DiscardAsync()
    {
        if (_finished) return;
        _finished = true;
        try { await _writer.DisposeAsync(); }
        catch (Exception e) when (e is IOException or ParquetException or InvalidOperationException) { }
        await _file.DisposeAsync();
        File.Delete(TemporaryPath);
    }

    /// <summary>Discards the table unless <see cref="CompleteAsync"/> published it.</summary>
    public async ValueTask DisposeAsync() => await DiscardAsync();
}
