using System.Text.Json;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cluster;

/// <summary>What <see cref="AffinityClustering.RunAsync"/> wrote.</summary>
/// <param name="Method">the method's name</param>
/// <param name="LabelsPath">int32 .npy: [n] for one K, [len(K), n] for a sweep</param>
/// <param name="TablePath">the same labels as Parquet (sample, n_clusters, cluster)</param>
public sealed record ClusteringRun(string Method, int Samples, IReadOnlyList<int> ClusterCounts, string LabelsPath, string TablePath,
    string SummaryPath, IReadOnlyList<string> Warnings);

/// <summary>The cluster stage: an affinity file in, labels out, by the method <see cref="ClusteringOptions.Method"/> names.</summary>
public static class AffinityClustering
{
    /// <summary>
    /// Reads the affinity (a dense .npy, or a sparse .npz in scipy's save_npz layout, such as <c>quanta similarity --knn</c>
    /// writes), clusters it for every k, and writes labels as int32 .npy — shape [n] when one k was asked for as a
    /// single number, else [len(ks), n] (row r = ks[r]) — the same as Parquet, and a JSON beside them (same name,
    /// .json) listing the ks, the method, its settings and what it reports.
    /// </summary>
    public static async Task<ClusteringRun> RunAsync(string affinityPath, IReadOnlyList<int> clusterCounts, bool sweep, string outputPath, ClusteringOptions options,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        // The eigensolver's n × b blocks, then the embedding: a working set that changes shape, so large blocks go back.
        using var heap = NativeHeap.ReturnLargeBlocksWhile();
        var method = ClusteringMethods.Get(options.Method);
        var folder = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        if (!Directory.Exists(folder)) throw new InputException($"the output's folder {folder} does not exist", outputPath);
        var affinity = Affinity.Load(affinityPath);
        int n = affinity.Size;
        foreach (var k in clusterCounts)
            if (k < 2 || k > n)
                throw new InputException($"cluster counts must be in [2, {n}] (the number of samples); got {k}", affinityPath);

        var result = method.Fit(affinity, clusterCounts, options);
        var labels = result.Labels;
        var tablePath = Path.ChangeExtension(outputPath, ".parquet");
        var summaryPath = Path.ChangeExtension(outputPath, ".json");
        var summary = new Dictionary<string, object?>
        {
            ["affinity"] = RecordedPath.Of(affinityPath, folder),
            ["samples"] = n,
            ["affinity_format"] = affinity.Sparse is null ? "dense" : "csr",
            ["affinity_entries"] = affinity.Entries,
            ["clusters"] = clusterCounts,
            ["labels_shape"] = sweep ? new[] { clusterCounts.Count, n } : [n],
            ["method"] = method.Name,
            ["seed"] = options.Seed,
        };
        foreach (var (key, value) in result.Details) summary[key] = value;

        PublishedFile.Write(outputPath, temporary =>
        {
            if (sweep) Npy.Write<int>(temporary, labels.SelectMany(l => l).ToArray(), clusterCounts.Count, n);
            else Npy.Write<int>(temporary, labels[0], n);
        });
        await ClusterTable.WriteAsync(tablePath, clusterCounts, labels, cancellationToken);
        PublishedFile.Write(summaryPath, temporary => File.WriteAllText(temporary, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true })));
        return new ClusteringRun(method.Name, n, clusterCounts, outputPath, tablePath, summaryPath, result.Warnings);
    }
}
