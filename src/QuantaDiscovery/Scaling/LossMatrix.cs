using Parquet;
using QuantaDiscovery.Common;
using QuantaDiscovery.Tables;

namespace QuantaDiscovery.Scaling;

/// <summary>
/// Per-token losses of a suite of models, in nats: <c>Losses[model][token]</c>, models in <see cref="ModelSuite"/> order.
/// <see cref="SetIndex"/> (with <see cref="SetNames"/>) says which named subset each token belongs to, when known.
/// </summary>
public sealed record LossMatrix(ModelSuite Suite, float[][] Losses, int[]? SetIndex, IReadOnlyList<string> SetNames)
{
    public int Tokens => Losses.Length == 0 ? 0 : Losses[0].Length;

    /// <summary>
    /// Reads a Parquet loss matrix (columns doc, pos, token, optional set, and one float column per model named as in
    /// models.csv) or a float32 .npy of shape [tokens, models] whose columns follow models.csv.
    /// </summary>
    public static async Task<LossMatrix> ReadAsync(string path, ModelSuite suite, CancellationToken cancellation = default)
    {
        if (!File.Exists(path)) throw new InputException("file not found", path);
        var matrix = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".npy" => ReadNpy(path, suite),
            ".parquet" => await ReadParquetAsync(path, suite, cancellation),
            var other => throw new InputException($"unsupported loss-matrix format '{other}': expected .parquet or .npy", path),
        };
        matrix.Validate(path);
        return matrix;
    }

    private static LossMatrix ReadNpy(string path, ModelSuite suite)
    {
        var array = Npy.Read<float>(path);
        if (array.Shape.Length != 2)
            throw new InputException($"expected a 2-D array [tokens, models], got shape ({string.Join(", ", array.Shape)})", path);
        if (array.Columns != suite.Models.Count)
            throw new InputException($"{array.Columns} model columns, but {suite.Path} lists {suite.Models.Count} models", path);
        var losses = new float[array.Columns][];
        for (int m = 0; m < array.Columns; m++)
        {
            losses[m] = new float[array.Rows];
            for (int t = 0; t < array.Rows; t++) losses[m][t] = array.Data[(long)t * array.Columns + m];
        }
        return new LossMatrix(suite, losses, null, []);
    }

    private static async Task<LossMatrix> ReadParquetAsync(string path, ModelSuite suite, CancellationToken cancellation)
    {
        try
        {
            await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellation);
            var fields = reader.Schema.DataFields.ToDictionary(f => f.Name, StringComparer.Ordinal);
            var losses = new float[suite.Models.Count][];
            for (int m = 0; m < suite.Models.Count; m++)
            {
                var name = suite.Models[m].Name;
                if (!fields.TryGetValue(name, out var field))
                    throw new InputException($"no loss column for model '{name}' of {suite.Path}; the columns are: " +
                                             string.Join(", ", fields.Keys), path);
                losses[m] = field.ClrType == typeof(float)
                    ? await ParquetColumns.ReadAsync<float>(reader, field, path, cancellation)
                    : Array.ConvertAll(await ParquetColumns.ReadAsDoubleAsync(reader, field, path, cancellation), v => (float)v);
            }
            int[]? setIndex = null;
            var setNames = new List<string>();
            if (fields.TryGetValue("set", out var setField))
            {
                var sets = await ParquetColumns.ReadStringsAsync(reader, setField, cancellation);
                var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
                setIndex = new int[sets.Length];
                for (int t = 0; t < sets.Length; t++)
                {
                    if (!lookup.TryGetValue(sets[t], out int index))
                    {
                        index = lookup[sets[t]] = setNames.Count;
                        setNames.Add(sets[t]);
                    }
                    setIndex[t] = index;
                }
            }
            return new LossMatrix(suite, losses, setIndex, setNames);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException)
        {
            throw new InputException($"cannot read as Parquet: {e.Message}", path, inner: e);
        }
    }

    private void Validate(string path)
    {
        if (Tokens == 0) throw new InputException("the loss matrix holds no tokens", path);
        for (int m = 0; m < Losses.Length; m++)
        {
            var column = Losses[m];
            for (int t = 0; t < column.Length; t++)
                if (!(column[t] >= 0) || float.IsInfinity(column[t]))
                    throw new InputException($"token row {t}, model '{Suite.Models[m].Name}': loss {column[t]} is not a finite value ≥ 0", path);
        }
    }
}
