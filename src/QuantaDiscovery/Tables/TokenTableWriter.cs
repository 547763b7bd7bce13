using Parquet;
using Parquet.Schema;

namespace QuantaDiscovery.Tables;

/// <summary>
/// Streams per-token rows into a Parquet table (see <see cref="TokenTableSchema"/>), one row group every
/// <c>rowGroupSize</c> rows, so memory stays at one row group however long the table.
/// The file is written as <c>&lt;path&gt;.tmp</c> and renamed to <c>path</c> only by an explicit <see cref="Complete"/>:
/// disposing a writer that was not completed (an exception unwinding, a cancelled run) discards the partial file, so a
/// truncated table is never published. A killed process leaves at most a .tmp file.
/// </summary>
public sealed class TokenTableWriter : IDisposable, IAsyncDisposable
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
    private readonly long[] _doc;
    private readonly int[] _pos;
    private readonly int[] _token;
    private readonly float[][] _losses;
    private readonly string?[]? _set;
    private int _buffered;
    private bool _finished;

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
        _doc = new long[rowGroupSize];
        _pos = new int[rowGroupSize];
        _token = new int[rowGroupSize];
        _losses = [.. schema.LossColumns.Select(_ => new float[rowGroupSize])];
        _set = schema.HasSet ? new string?[rowGroupSize] : null;
    }

    /// <summary>Starts a table at <paramref name="path"/> (written to <c>path.tmp</c> until completed).</summary>
    public static TokenTableWriter Create(string path, TokenTableSchema schema, int rowGroupSize = DefaultRowGroupSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        var parquetSchema = ParquetSchemaOf(schema);
        var file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var writer = ParquetWriter.CreateAsync(parquetSchema, file).GetAwaiter().GetResult();
            return new TokenTableWriter(path, schema, rowGroupSize, file, writer, parquetSchema);
        }
        catch
        {
            file.Dispose();
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
        if (losses.Length != _losses.Length)
            throw new ArgumentException($"{losses.Length} losses given for {_losses.Length} loss columns", nameof(losses));
        _doc[_buffered] = doc;
        _pos[_buffered] = pos;
        _token[_buffered] = token;
        for (int c = 0; c < _losses.Length; c++) _losses[c][_buffered] = losses[c];
        if (_set is not null) _set[_buffered] = set;
        _buffered++;
        RowCount++;
        if (_buffered == RowGroupSize) FlushRowGroup();
    }

    /// <summary>
    /// Appends the tokens of one document at positions 0, 1, …; <paramref name="losses"/> is row-major
    /// [tokens, loss columns] (for a single-loss table, one loss per token).
    /// </summary>
    public void AppendDocument(long doc, ReadOnlySpan<int> tokens, ReadOnlySpan<float> losses, string? set = null)
    {
        int columns = _losses.Length;
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
        int rows = doc.Length, columns = _losses.Length;
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

    private void FlushRowGroup() => FlushRowGroupAsync(CancellationToken.None).GetAwaiter().GetResult();

    private async Task FlushRowGroupAsync(CancellationToken cancellationToken)
    {
        if (_buffered == 0) return;
        try
        {
            using var rowGroup = _writer.CreateRowGroup();
            await rowGroup.WriteAsync(_docField, new ReadOnlyMemory<long>(_doc, 0, _buffered), cancellationToken: cancellationToken);
            await rowGroup.WriteAsync(_posField, new ReadOnlyMemory<int>(_pos, 0, _buffered), cancellationToken: cancellationToken);
            await rowGroup.WriteAsync(_tokenField, new ReadOnlyMemory<int>(_token, 0, _buffered), cancellationToken: cancellationToken);
            for (int c = 0; c < _losses.Length; c++)
                await rowGroup.WriteAsync(_lossFields[c], new ReadOnlyMemory<float>(_losses[c], 0, _buffered), cancellationToken: cancellationToken);
            if (_setField is not null)
            {
                await rowGroup.WriteAsync(_setField, new ArraySegment<string>(_set!, 0, _buffered));
                Array.Clear(_set!, 0, _buffered);
            }
            rowGroup.CompleteValidate();
        }
        catch
        {
            await DiscardAsync();
            throw;
        }
        _buffered = 0;
    }

    /// <summary>Writes the last row group and the footer, then renames the .tmp file to <see cref="Path"/>.</summary>
    public void Complete() => CompleteAsync().GetAwaiter().GetResult();

    /// <inheritdoc cref="Complete"/>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_finished) return;
        await FlushRowGroupAsync(cancellationToken);
        await _writer.DisposeAsync();
        await _file.DisposeAsync();
        _finished = true;
        File.Move(TemporaryPath, Path, overwrite: true);
    }

    /// <summary>Discards the table: the .tmp file is deleted and nothing appears at <see cref="Path"/>.</summary>
    public void Abort() => DiscardAsync().GetAwaiter().GetResult();

    private async Task DiscardAsync()
    {
        if (_finished) return;
        _finished = true;
        try { await _writer.DisposeAsync(); }
        catch (Exception e) when (e is IOException or ParquetException or InvalidOperationException) { }
        await _file.DisposeAsync();
        File.Delete(TemporaryPath);
    }

    /// <summary>Discards the table unless <see cref="Complete"/> published it.</summary>
    public void Dispose() => Abort();

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync() => await DiscardAsync();
}
