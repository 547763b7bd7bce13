using QuantaDiscovery.Common;
using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Similarity;

/// <summary>The options of the gradient similarity (the <c>similarity</c> command).</summary>
public static class SimilaritySettings
{
    public static readonly StageSetting Gradients = new("gradients", SettingKind.InputPath, "per-sample gradients, .npy float32 [n, d]", Required: true);
    public static readonly StageSetting Output = new("output", SettingKind.Text,
        "affinity 1 − arccos(cos)/π: .npy float32 [n, n], or with --knn a sparse .npz (scipy.sparse.load_npz opens it)", Required: true);
    public static readonly StageSetting Neighbours = new("knn", SettingKind.Integer,
        "keep each sample's m largest affinities (the symmetric m-nearest-neighbour graph, CSR) instead of all n²");
    public static readonly StageSetting Search = new("neighbour-search", SettingKind.Text,
        "with --knn: exact (all pairs), forest (approximate: random-projection trees), or auto (forest from 100,000 samples)",
        Default: "auto", Choices: ["auto", "exact", "forest"]);
    public static readonly StageSetting Trees = new("trees", SettingKind.Integer, "trees of the forest", Default: "8");

    /// <summary>The <c>similarity</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } = [Gradients, Output, Neighbours, Search, Trees, MemorySettings.MaxMemory];
}
