using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Report;

/// <summary>The options of the quanta browser (the <c>browse</c> command; <c>qdg</c> writes the same page with its own K and fit ranks).</summary>
public static class BrowseSettings
{
    public static readonly StageSetting Samples = new("samples", SettingKind.InputPath, "samples.parquet: sample, doc, pos, token, loss, [set], context, target", Required: true);
    public static readonly StageSetting Similarity = new("similarity", SettingKind.InputPath,
        "similarity.npy: float32 [n, n] affinities in [0, 1], row i = sample i; or the sparse graph similarity.npz (quanta similarity --knn)", Required: true);
    public static readonly StageSetting Clusters = new("clusters", SettingKind.InputPath, "clusters.parquet: sample, n_clusters, cluster (one block of n rows per K)", Required: true);
    public static readonly StageSetting Output = new("output", SettingKind.Text, "report.html to write; the rank-frequency files and heatmap go beside it", Required: true);
    public static readonly StageSetting K = new("k", SettingKind.Integer, "the clustering to browse (default: the largest K in --clusters)");
    public static readonly StageSetting AlphaN = new("alpha-n", SettingKind.Text, "α_N as a number, or the summary.json of `quanta scaling`, for the predicted slope −(α_N + 1)");
    public static readonly StageSetting Examples = new("examples", SettingKind.Integer, "examples shown per cluster", Default: "10");
    public static readonly StageSetting FirstRank = new("first-rank", SettingKind.Integer, "first rank of the rank-frequency fit (default: K_max / 4)", Paper: "101");
    public static readonly StageSetting LastRank = new("last-rank", SettingKind.Integer, "last rank of the rank-frequency fit (default: K_max)", Paper: "1000");

    /// <summary>The <c>browse</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [Samples, Similarity, Clusters, Output, K, AlphaN, Examples, FirstRank, LastRank];
}
