using Parquet;
using Parquet.Schema;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Tables;

/// <summary>Whole-column reads with Parquet.Net, concatenating row groups.</summary>
public static class ParquetColumns
{
    /// <summary>Reads a column of primitive type <typeparamref name="T"/>; nulls are an error naming the row.</summary>
    public static async Task<T[]> ReadAsync<T>(ParquetReader reader, DataField field, string path,
        CancellationToken cancellation = default) where T : struct
    {
        var values = new T[RowCount(reader)];
        int offset = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);
            await ParquetFiles.ReadValuesAsync(group, field, values.AsMemory(offset, n), path, offset, cancellation);
            offset += n;
        }
        return values;
    }

    /// <summary>Rows over all row groups.</summary>
    public static int RowCount(ParquetReader reader)
    {
        long rows = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            rows += group.RowCount;
        }
        return checked((int)rows);
    }

    /// <summary>Reads any integer or floating-point column as double.</summary>
    public static async Task<double[]> ReadAsDoubleAsync(ParquetReader reader, DataField field, string path,
        CancellationToken cancellation = default)
    {
        var type = field.ClrType;
        if (type == typeof(double)) return await ReadAsync<double>(reader, field, path, cancellation);
        if (type == typeof(float)) return Array.ConvertAll(await ReadAsync<float>(reader, field, path, cancellation), v => (double)v);
        if (type == typeof(long)) return Array.ConvertAll(await ReadAsync<long>(reader, field, path, cancellation), v => (double)v);
        if (type == typeof(int)) return Array.ConvertAll(await ReadAsync<int>(reader, field, path, cancellation), v => (double)v);
        if (type == typeof(short)) return Array.ConvertAll(await ReadAsync<short>(reader, field, path, cancellation), v => (double)v);
        if (type == typeof(ulong)) return Array.ConvertAll(await ReadAsync<ulong>(reader, field, path, cancellation), v => (double)v);
        if (type == typeof(uint)) return Array.ConvertAll(await ReadAsync<uint>(reader, field, path, cancellation), v => (double)v);
        throw new InputException($"column '{field.Name}' has type {type.Name}, not a number", path);
    }

    /// <summary>Reads any integer column as long.</summary>
    public static async Task<long[]> ReadIntegersAsync(ParquetReader reader, DataField field, string path,
        CancellationToken cancellation = default)
    {
        var type = field.ClrType;
        if (type == typeof(long)) return await ReadAsync<long>(reader, field, path, cancellation);
        if (type == typeof(int)) return Array.ConvertAll(await ReadAsync<int>(reader, field, path, cancellation), v => (long)v);
        if (type == typeof(short)) return Array.ConvertAll(await ReadAsync<short>(reader, field, path, cancellation), v => (long)v);
        if (type == typeof(uint)) return Array.ConvertAll(await ReadAsync<uint>(reader, field, path, cancellation), v => (long)v);
        throw new InputException($"column '{field.Name}' holds {type.Name}, expected integers", path);
    }

    /// <summary>Reads a string column; a null reads as the empty string.</summary>
    public static async Task<string[]> ReadStringsAsync(ParquetReader reader, DataField field, CancellationToken cancellation = default)
    {
        var total = new List<string>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var values = await ParquetFiles.ReadStringsAsync(group, field, checked((int)group.RowCount), cancellation);
            total.AddRange(values.Select(v => v ?? ""));
        }
        return total.ToArray();
    }
}
