using QuantaDiscovery.Common;

namespace QuantaDiscovery.Tables;

/// <summary>
/// Per-token losses of several models as one float32 matrix [rows, models] in row-major order: row i is
/// token row i of the table, column j is model <c>Models[j]</c>: the layout of loss_matrix.npy. (The scaling analysis
/// reads the same losses per model, with the suite's sizes: <see cref="Scaling.LossMatrix"/>.)
/// </summary>
public sealed record RowMajorLossMatrix(float[] Values, int Rows, IReadOnlyList<string> Models)
{
    public float this[int row, int model] => Values[(long)row * Models.Count + model];

    /// <summary>Reads the loss columns of a token table (all of them, or those named in <paramref name="models"/>).</summary>
    public static async Task<RowMajorLossMatrix> ReadAsync(string tablePath, IReadOnlyList<string>? models = null, CancellationToken cancellationToken = default)
    {
        await using var reader = await TokenTableReader.OpenAsync(tablePath, cancellationToken);
        models ??= reader.LossColumns;
        int rows = checked((int)reader.RowCount);
        var values = new float[checked(rows * models.Count)];
        int row = 0;
        await foreach (var (groupRows, columns) in reader.ReadLossRowGroupsAsync(models, cancellationToken))
        {
            Interleave(columns, groupRows, values.AsSpan(row * models.Count, groupRows * models.Count));
            row += groupRows;
        }
        return new RowMajorLossMatrix(values, rows, [.. models]);
    }

    /// <summary>Writes the matrix as .npy, float32 with shape (rows, models): <c>numpy.load</c> opens it.</summary>
    public void WriteNpy(string path) => Npy.Write<float>(path, Values, Rows, Models.Count);

    /// <summary>
    /// Writes the loss columns of a token table to .npy (float32 [rows, models]) one row group at a time, so a
    /// table larger than memory can be exported. Returns the models, in column order.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ExportNpyAsync(string tablePath, string npyPath, IReadOnlyList<string>? models = null,
        CancellationToken cancellationToken = default)
    {
        await using var reader = await TokenTableReader.OpenAsync(tablePath, cancellationToken);
        models ??= reader.LossColumns;
        int rows = checked((int)reader.RowCount);
        using var published = new PublishedFile(npyPath);
        await using (var output = File.Create(published.TemporaryPath))
        {
            Npy.WriteHeader(output, Npy.DescriptorOf<float>(), rows, models.Count);
            await foreach (var (groupRows, columns) in reader.ReadLossRowGroupsAsync(models, cancellationToken))
            {
                var block = new float[groupRows * models.Count];
                Interleave(columns, groupRows, block);
                await output.WriteAsync(System.Runtime.InteropServices.MemoryMarshal.AsBytes(block.AsSpan()).ToArray(), cancellationToken);
            }
        }
        published.Complete();
        return [.. models];
    }

    private static void Interleave(float[][] columns, int rows, Span<float> rowMajor)
    {
        for (int c = 0; c < columns.Length; c++)
            for (int r = 0; r < rows; r++)
                rowMajor[r * columns.Length + c] = columns[c][r];
    }
}
