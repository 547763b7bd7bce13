using QuantaDiscovery.Common;
using Parquet;
using Parquet.Schema;

namespace QuantaDiscovery.Cluster;

/// <summary>
/// Cluster labels in long format for pandas/DuckDB and the quanta browser: columns sample (int32),
/// n_clusters (int32), cluster (int32); one block of n rows per cluster count K, in increasing K.
/// </summary>
public static class ClusterTable
{
    public static async Task WriteAsync(string path, IReadOnlyList<int> clusterCounts, IReadOnlyList<int[]> labels,
        CancellationToken cancellationToken = default)
    {
        if (clusterCounts.Count != labels.Count)
            throw new ArgumentException($"{clusterCounts.Count} cluster counts but {labels.Count} labelings");
        var sample = new DataField<int>("sample");
        var nClusters = new DataField<int>("n_clusters");
        var cluster = new DataField<int>("cluster");
        using var published = new PublishedFile(path);
        await using (var stream = File.Create(published.TemporaryPath))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(sample, nClusters, cluster), stream, cancellationToken: cancellationToken))
        {
            foreach (var i in Enumerable.Range(0, clusterCounts.Count).OrderBy(i => clusterCounts[i]))
            {
                int n = labels[i].Length;
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(sample, new ReadOnlyMemory<int>(Enumerable.Range(0, n).ToArray()), cancellationToken: cancellationToken);
                await group.WriteAsync(nClusters, new ReadOnlyMemory<int>(Enumerable.Repeat(clusterCounts[i], n).ToArray()), cancellationToken: cancellationToken);
                await group.WriteAsync(cluster, new ReadOnlyMemory<int>(labels[i]), cancellationToken: cancellationToken);
                group.CompleteValidate();
            }
        }
        published.Complete();
    }
}
