using Parquet;
using Parquet.Schema;
using QuantaDiscovery.Common;
using QuantaDiscovery.Tables;

namespace QuantaDiscovery.Report;

/// <summary>
/// The selected tokens of <c>samples.parquet</c>, indexed by sample id (row i of the similarity matrix is sample i).
/// </summary>
/// <param name="Context">decoded text before the target (the last ≤ 100 tokens)</param>
/// <param name="Target">decoded target token</param>
/// <param name="Set">the corpus set of each sample, when the file has a <c>set</c> column</param>
public sealed record QuantaSamples(long[] Doc, int[] Pos, int[] Token, double[] Loss, string[] Context, string[] Target, string[]? Set)
{
    public int Count => Doc.Length;

    /// <summary>Reads samples.parquet: sample, doc, pos, token, loss, context, target, optional set; sample ids must be 0..n−1.</summary>
    /// <exception cref="InputException">a column is missing or mistyped, or the sample ids are not 0..n−1 each once</exception>
    public static async Task<QuantaSamples> ReadAsync(string path, CancellationToken cancellation = default)
    {
        await using var reader = await ParquetFiles.OpenAsync(path, cancellation);
        var table = new ParquetTable(reader, path);
        var sample = await table.IntegersAsync("sample", cancellation);
        var order = SampleOrder(sample, path);
        var doc = await table.IntegersAsync("doc", cancellation);
        var pos = await table.IntegersAsync("pos", cancellation);
        var token = await table.IntegersAsync("token", cancellation);
        var loss = await ParquetColumns.ReadAsDoubleAsync(reader, table.Field("loss"), path, cancellation);
        var context = await table.StringsAsync("context", cancellation);
        var target = await table.StringsAsync("target", cancellation);
        var set = table.Has("set") ? await table.StringsAsync("set", cancellation) : null;
        T[] BySample<T, TSource>(TSource[] column, Func<TSource, T> convert) => order.Select(row => convert(column[row])).ToArray();
        return new QuantaSamples(BySample(doc, v => v), BySample(pos, v => (int)v), BySample(token, v => (int)v),
            BySample(loss, v => v), BySample(context, v => v), BySample(target, v => v), set is null ? null : BySample(set, v => v));
    }

    /// <summary>The row holding each sample id, checking that the ids are 0..n−1 each exactly once.</summary>
    private static int[] SampleOrder(long[] sample, string path)
    {
        var row = new int[sample.Length];
        Array.Fill(row, -1);
        for (int i = 0; i < sample.Length; i++)
        {
            long id = sample[i];
            if (id < 0 || id >= sample.Length)
                throw new InputException($"row {i}: sample id {id} is outside 0..{sample.Length - 1} (ids must number the rows)", path);
            if (row[id] >= 0) throw new InputException($"row {i}: sample id {id} appears twice (also at row {row[id]})", path);
            row[id] = i;
        }
        return row;
    }
}

/// <summary>One clustering of the samples: <see cref="Labels"/>[i] ∈ [0, K) is the cluster of sample i.</summary>
public sealed record Clustering(int K, int[] Labels)
{
    public ClusterSizes Sizes()
    {
        var sizes = new int[K];
        foreach (var label in Labels) sizes[label]++;
        return new ClusterSizes(K, sizes);
    }
}

/// <summary>The clusterings of <c>clusters.parquet</c> (long format: sample, n_clusters, cluster; n rows per K), by increasing K.</summary>
public sealed record ClusterSweep(IReadOnlyList<Clustering> Clusterings)
{
    public int MaxK => Clusterings[^1].K;

    public Clustering For(int k) => Clusterings.FirstOrDefault(c => c.K == k)
        ?? throw new ArgumentException($"the sweep has no clustering with K = {k} (it has K = {string.Join(", ", Clusterings.Select(c => c.K))})");

    public IReadOnlyList<ClusterSizes> Sizes() => Clusterings.Select(c => c.Sizes()).ToArray();

    /// <summary>Reads clusters.parquet, checking that every K labels each of the <paramref name="samples"/> samples once.</summary>
    /// <exception cref="InputException">a column is missing, a sample id is unknown or repeated, a label is outside [0, K)</exception>
    public static async Task<ClusterSweep> ReadAsync(string path, int samples, CancellationToken cancellation = default)
    {
        var (sample, k, cluster) = await ReadColumnsAsync(path, cancellation);
        if (sample.Length == 0) throw new InputException("no rows", path);
        var labels = new SortedDictionary<long, int[]>();
        for (int row = 0; row < sample.Length; row++)
        {
            if (k[row] < 1 || k[row] > samples)
                throw new InputException($"row {row}: n_clusters = {k[row]} is outside 1..{samples} (the number of samples)", path);
            if (!labels.TryGetValue(k[row], out var of))
            {
                of = new int[samples];
                Array.Fill(of, -1);
                labels[k[row]] = of;
            }
            if (sample[row] < 0 || sample[row] >= samples)
                throw new InputException($"row {row}: unknown sample {sample[row]} (samples.parquet holds samples 0..{samples - 1})", path);
            if (cluster[row] < 0 || cluster[row] >= k[row])
                throw new InputException($"row {row}: cluster {cluster[row]} is outside 0..{k[row] - 1} for n_clusters = {k[row]}", path);
            if (of[sample[row]] >= 0)
                throw new InputException($"row {row}: sample {sample[row]} has a second cluster for n_clusters = {k[row]}", path);
            of[sample[row]] = (int)cluster[row];
        }
        foreach (var (clusters, of) in labels)
        {
            int missing = Array.IndexOf(of, -1);
            if (missing >= 0) throw new InputException($"n_clusters = {clusters}: sample {missing} has no cluster", path);
        }
        return new ClusterSweep(labels.Select(pair => new Clustering((int)pair.Key, pair.Value)).ToArray());
    }

    /// <summary>The three columns of clusters.parquet row for row (sample, n_clusters, cluster), unchecked.</summary>
    public static async Task<(int[] Sample, int[] NClusters, int[] Cluster)> ReadColumnsAsync(string path,
        CancellationToken cancellation = default)
    {
        await using var reader = await ParquetFiles.OpenAsync(path, cancellation);
        var table = new ParquetTable(reader, path);
        async Task<int[]> Column(string name) => [.. (await table.IntegersAsync(name, cancellation)).Select(v => (int)Math.Clamp(v, int.MinValue, int.MaxValue))];
        return (await Column("sample"), await Column("n_clusters"), await Column("cluster"));
    }
}

/// <summary>Column lookups by name over a Parquet file, with errors naming the file (shared by the browser's two readers).</summary>
internal sealed class ParquetTable(ParquetReader reader, string path)
{
    private readonly Dictionary<string, DataField> _fields = reader.Schema.DataFields.ToDictionary(ParquetFiles.ColumnName);

    public bool Has(string name) => _fields.ContainsKey(name);

    public DataField Field(string name) => _fields.TryGetValue(name, out var field) ? field
        : throw new InputException($"no '{name}' column (the file has columns: {string.Join(", ", _fields.Keys)})", path);

    /// <summary>An integer column of any width, as long.</summary>
    public Task<long[]> IntegersAsync(string name, CancellationToken cancellation) =>
        ParquetColumns.ReadIntegersAsync(reader, Field(name), path, cancellation);

    /// <summary>A string column; a null reads as the empty string.</summary>
    public async Task<string[]> StringsAsync(string name, CancellationToken cancellation)
    {
        var field = Field(name);
        if (field.ClrType != typeof(ReadOnlyMemory<char>) && field.ClrType != typeof(string))
            throw new InputException($"column '{name}' holds {field.ClrType.Name}, expected strings", path);
        return await ParquetColumns.ReadStringsAsync(reader, field, cancellation);
    }
}
