using Parquet;
using Parquet.Schema;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Tables;

/// <summary>Reading helpers over Parquet.Net shared by the corpus reader and the token tables.</summary>
internal static class ParquetFiles
{
    /// <summary>Opens a Parquet file, reporting a missing or non-Parquet file as an <see cref="InputException"/>.</summary>
    public static async Task<ParquetReader> OpenAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw new InputException("file not found", path);
        try
        {
            return await ParquetReader.CreateAsync(path, parquetOptions: null, cancellationToken);
        }
        catch (Exception e) when (e is ParquetException or IOException or InvalidDataException)
        {
            throw new InputException($"not a readable Parquet file ({e.Message})", path, inner: e);
        }
    }

    /// <summary>A column's name as pandas and DuckDB show it: nested fields joined with '.' (a name may hold '/').</summary>
    public static string ColumnName(DataField field) => string.Join('.', field.Path.ToList());

    /// <summary>Reads a string column of one row group; null where the value (or an enclosing struct) is null.</summary>
    public static async Task<string?[]> ReadStringsAsync(ParquetRowGroupReader rowGroup, DataField field, int rows,
        CancellationToken cancellationToken)
    {
        var values = new ReadOnlyMemory<char>[rows];
        var definitionLevels = field.MaxDefinitionLevel > 0 ? new int[rows] : null;
        // Raw reading with definition levels: a null in a nested column is otherwise not placed at its row.
        await rowGroup.ReadRawAsync<ReadOnlyMemory<char>>(field, values, definitionLevels, repetitionLevels: null,
            cancellationToken);
        var strings = new string?[rows];
        for (int row = 0, next = 0; row < rows; row++)
            if (definitionLevels is null || definitionLevels[row] == field.MaxDefinitionLevel)
                strings[row] = values[next++].ToString();
        return strings;
    }

    /// <summary>Reads a numeric column of one row group into <paramref name="destination"/>; a null is an error.</summary>
    public static async Task ReadValuesAsync<T>(ParquetRowGroupReader rowGroup, DataField field, Memory<T> destination,
        string path, long firstRow, CancellationToken cancellationToken) where T : struct
    {
        if (field.MaxDefinitionLevel == 0)
        {
            await rowGroup.ReadAsync(field, destination, repetitionLevels: null, cancellationToken);
            return;
        }
        var definitionLevels = new int[destination.Length];
        await rowGroup.ReadRawAsync(field, destination, definitionLevels, repetitionLevels: null, cancellationToken);
        int firstNull = Array.FindIndex(definitionLevels, level => level != field.MaxDefinitionLevel);
        if (firstNull >= 0)
            throw new InputException($"column '{ColumnName(field)}' is null at row {firstRow + firstNull}", path,
                documentIndex: null);
    }
}
