namespace QuantaDiscovery.Cluster;

/// <summary>
/// One way of turning a precomputed affinity into cluster labels. Implementations live in Cluster/ and are listed in
/// <see cref="ClusteringMethods"/>; everything else (the cluster command, the QDG stage) names a method and never
/// knows which one ran.
/// </summary>
public interface IClusteringMethod
{
    /// <summary>The name users choose the method by (<c>--method</c>, <c>method:</c> in a pipeline).</summary>
    string Name { get; }

    /// <summary>One line for --help and the README.</summary>
    string Description { get; }

    /// <summary>Labels in [0, k) for every sample, one labelling per k of <paramref name="clusterCounts"/>.</summary>
    ClusteringResult Fit(Affinity affinity, IReadOnlyList<int> clusterCounts, ClusteringOptions options);
}

/// <summary>What a <see cref="IClusteringMethod"/> found.</summary>
/// <param name="Labels">Labels[r] labels every sample for the r-th cluster count</param>
/// <param name="Details">method-specific facts recorded in the labels' JSON (e.g. eigenvalues)</param>
/// <param name="Warnings">lines worth telling the user (e.g. an eigensolver that stopped early)</param>
public sealed record ClusteringResult(int[][] Labels, IReadOnlyDictionary<string, object?> Details, IReadOnlyList<string> Warnings);
