using QuantaDiscovery.Common;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Qdg;

namespace QuantaDiscovery.Cluster;

/// <summary>The options of clustering a precomputed affinity (the <c>cluster</c> command; method, restarts and seed are <see cref="QdgSettings"/>').</summary>
public static class ClusterSettings
{
    public static readonly StageSetting Affinity = new("affinity", SettingKind.InputPath,
        "precomputed affinity: dense .npy float32 [n, n] (row i = sample i), or sparse CSR .npz (scipy.sparse.save_npz; quanta similarity --knn)", Required: true);
    public static readonly StageSetting Clusters = new("clusters", SettingKind.Text, "k, a list 50,100,200 or a range start:stop:step (a sweep)", Required: true);
    public static readonly StageSetting Output = new("output", SettingKind.Text,
        "labels .npy, int32 [n] (one k) or [len(ks), n] (sweep); a .json beside it lists the ks", Required: true);
    public static readonly StageSetting Solver = new("eigen-solver", SettingKind.Text, "spectral embedding's eigensolver",
        Default: "auto", Choices: ["auto", "dense", "subspace", "block"]);

    /// <summary>The <c>cluster</c> command's flags.</summary>
    public static IReadOnlyList<StageSetting> Command { get; } =
        [Affinity, Clusters, Output, QdgSettings.Method, QdgSettings.Restarts, QdgSettings.AssignLabels, QdgSettings.Seed, Solver, MemorySettings.MaxMemory];
}
