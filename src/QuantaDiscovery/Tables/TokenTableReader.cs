using Parquet;
using Parquet.Schema;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Tables;

/// <summary>
/// Reads a per-token table written by <see cref="TokenTableWriter"/> (or any Parquet file with the same columns,
/// e.g. from pandas): the schema and row count come from the footer; data is read column by column.
/// </summary>
public sealed class TokenTableReader : IAsyncDisposable
{
    private readonly ParquetReader _reader;
    private readonly Dictionary<string, DataField> _fields;

    public string Path { get; }
    public TokenTableSchema Schema { get; }
    public IReadOnlyList<string> LossColumns => Schema.LossColumns;
    public bool HasSet => Schema.HasSet;

    /// <summary>Number of rows, from the file's metadata (no data is read).</summary>
    public long RowCount => _reader.Metadata?.NumRows ?? 0;

    public int RowGroupCount => _reader.RowGroupCount;

    private TokenTableReader(string path, ParquetReader reader, Dictionary<string, DataField> fields, TokenTableSchema schema)
    {
        Path = path;
        _reader = reader;
        _fields = fields;
        Schema = schema;
    }

    /// <summary>Opens a token table, checking its columns.</summary>
    /// <exception cref="InputException">not a Parquet file, or a column of the token table is missing or mistyped</exception>
    public static async Task<TokenTableReader> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        var reader = await ParquetFiles.OpenAsync(path, cancellationToken);
        try
        {
            var fields = reader.Schema.GetDataFields().ToDictionary(ParquetFiles.ColumnName);
            var present = string.Join(", ", fields.Keys);
            void Require(string name, Type type)
            {
                if (!fields.TryGetValue(name, out var field))
                    throw new InputException($"not a token table: no '{name}' column (the file has columns: {present})", path);
                if (field.ClrType != type || field.MaxRepetitionLevel > 0)
                    throw new InputException($"column '{name}' holds {field.ClrType.Name}, expected {type.Name}", path);
            }
            Require(TokenTableSchema.DocColumn, typeof(long));
            Require(TokenTableSchema.PosColumn, typeof(int));
            Require(TokenTableSchema.TokenColumn, typeof(int));
            var lossColumns = fields.Values
                .Where(f => f.ClrType == typeof(float) && f.MaxRepetitionLevel == 0)
                .Select(ParquetFiles.ColumnName).ToList();
            if (lossColumns.Count == 0)
                throw new InputException($"not a token table: no float32 loss column (the file has columns: {present})", path);
            bool hasSet = fields.ContainsKey(TokenTableSchema.SetColumn);
            if (hasSet) Require(TokenTableSchema.SetColumn, typeof(ReadOnlyMemory<char>));
            return new TokenTableReader(path, reader, fields, new TokenTableSchema(lossColumns, hasSet));
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Reads a whole column: <c>long</c> for doc, <c>int</c> for pos and token, <c>float</c> for a loss column,
    /// <c>string</c> (elements may be null) for set.
    /// </summary>
    public async Task<T[]> ReadColumnAsync<T>(string name, CancellationToken cancellationToken = default)
    {
        var field = FieldOf(name, typeof(T));
        var column = new T[checked((int)RowCount)];
        int offset = 0;
        for (int group = 0; group < _reader.RowGroupCount; group++)
        {
            using var rowGroup = _reader.OpenRowGroupReader(group);
            int rows = checked((int)rowGroup.RowCount);
            await ReadIntoAsync(rowGroup, field, column.AsMemory(offset, rows), offset, cancellationToken);
            offset += rows;
        }
        return column;
    }

    /// <summary>
    /// Streams the loss columns row group by row group: for each, the number of rows and one array per
    /// requested column. Memory stays at one row group.
    /// </summary>
    public async IAsyncEnumerable<(int Rows, float[][] Columns)> ReadLossRowGroupsAsync(IReadOnlyList<string> columns,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var fields = columns.Select(c => FieldOf(c, typeof(float))).ToArray();
        long firstRow = 0;
        for (int group = 0; group < _reader.RowGroupCount; group++)
        {
            using var rowGroup = _reader.OpenRowGroupReader(group);
            int rows = checked((int)rowGroup.RowCount);
            var values = new float[fields.Length][];
            for (int c = 0; c < fields.Length; c++)
            {
                values[c] = new float[rows];
                await ParquetFiles.ReadValuesAsync<float>(rowGroup, fields[c], values[c], Path, firstRow, cancellationToken);
            }
            yield return (rows, values);
            firstRow += rows;
        }
    }

    /// <summary>Streams every column row group by row group, each as a <see cref="TokenTable"/>: memory stays at one row group.</summary>
    public async IAsyncEnumerable<TokenTable> ReadRowGroupsAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long firstRow = 0;
        for (int group = 0; group < _reader.RowGroupCount; group++)
        {
            using var rowGroup = _reader.OpenRowGroupReader(group);
            int rows = checked((int)rowGroup.RowCount);
            async Task<T[]> Column<T>(string name, Type type)
            {
                var values = new T[rows];
                await ReadIntoAsync(rowGroup, FieldOf(name, type), values.AsMemory(), firstRow, cancellationToken);
                return values;
            }
            var doc = await Column<long>(TokenTableSchema.DocColumn, typeof(long));
            var pos = await Column<int>(TokenTableSchema.PosColumn, typeof(int));
            var token = await Column<int>(TokenTableSchema.TokenColumn, typeof(int));
            var losses = new float[LossColumns.Count][];
            for (int c = 0; c < losses.Length; c++) losses[c] = await Column<float>(LossColumns[c], typeof(float));
            var set = HasSet ? await Column<string?>(TokenTableSchema.SetColumn, typeof(string)) : null;
            yield return new TokenTable(doc, pos, token, LossColumns, losses, set);
            firstRow += rows;
        }
    }

    /// <summary>Reads every column into memory.</summary>
    public async Task<TokenTable> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var doc = await ReadColumnAsync<long>(TokenTableSchema.DocColumn, cancellationToken);
        var pos = await ReadColumnAsync<int>(TokenTableSchema.PosColumn, cancellationToken);
        var token = await ReadColumnAsync<int>(TokenTableSchema.TokenColumn, cancellationToken);
        var losses = new float[LossColumns.Count][];
        for (int c = 0; c < losses.Length; c++)
            losses[c] = await ReadColumnAsync<float>(LossColumns[c], cancellationToken);
        var set = HasSet ? await ReadColumnAsync<string?>(TokenTableSchema.SetColumn, cancellationToken) : null;
        return new TokenTable(doc, pos, token, LossColumns, losses, set);
    }

    private DataField FieldOf(string name, Type requested)
    {
        if (!_fields.TryGetValue(name, out var field))
            throw new InputException($"no column '{name}' (the table has columns: {string.Join(", ", _fields.Keys)})", Path);
        var expected = field.ClrType == typeof(ReadOnlyMemory<char>) ? typeof(string) : field.ClrType;
        if (requested != expected)
            throw new ArgumentException($"column '{name}' holds {expected.Name}, not {requested.Name}", nameof(name));
        return field;
    }

    private async Task ReadIntoAsync<T>(ParquetRowGroupReader rowGroup, DataField field, Memory<T> destination, long firstRow,
        CancellationToken cancellationToken)
    {
        switch (destination)
        {
            case Memory<string?> strings:
                (await ParquetFiles.ReadStringsAsync(rowGroup, field, strings.Length, cancellationToken)).CopyTo(strings);
                break;
            case Memory<long> longs:
                await ParquetFiles.ReadValuesAsync(rowGroup, field, longs, Path, firstRow, cancellationToken);
                break;
            case Memory<int> ints:
                await ParquetFiles.ReadValuesAsync(rowGroup, field, ints, Path, firstRow, cancellationToken);
                break;
            case Memory<float> floats:
                await ParquetFiles.ReadValuesAsync(rowGroup, field, floats, Path, firstRow, cancellationToken);
                break;
            default:
                throw new ArgumentException($"cannot read a column as {typeof(T).Name}");
        }
    }

    public ValueTask DisposeAsync() => _reader.DisposeAsync();
}

/// <summary>A per-token table in memory: one array per column, all of length <see cref="RowCount"/>.</summary>
/// <param name="Losses">one array per loss column, in the order of <paramref name="LossColumns"/></param>
/// <param name="Set">the set column, or null when the table has none</param>
public sealed record TokenTable(long[] Doc, int[] Pos, int[] Token, IReadOnlyList<string> LossColumns, float[][] Losses,
    string?[]? Set)
{
    public int RowCount => Doc.Length;

    /// <summary>The values of one loss column (for a single-model table, <c>Loss("loss")</c>).</summary>
    public float[] Loss(string column)
    {
        int index = LossColumns.ToList().IndexOf(column);
        if (index < 0)
            throw new ArgumentException($"no loss column '{column}' (the table has: {string.Join(", ", LossColumns)})", nameof(column));
        return Losses[index];
    }

    /// <summary>Reads the whole table at <paramref name="path"/>.</summary>
    public static async Task<TokenTable> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var reader = await TokenTableReader.OpenAsync(path, cancellationToken);
        return await reader.ReadAllAsync(cancellationToken);
    }
}
