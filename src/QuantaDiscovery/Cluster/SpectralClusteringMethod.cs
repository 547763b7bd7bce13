using System.Globalization;

namespace QuantaDiscovery.Cluster;

/// <summary>
/// <see cref="SpectralClustering"/> as a <see cref="IClusteringMethod"/>: one embedding with max(K) columns, then
/// k-means for every K.
/// </summary>
public sealed class SpectralClusteringMethod : IClusteringMethod
{
    public const string MethodName = "spectral";

    public string Name => MethodName;

    public string Description => "spectral clustering (scikit-learn's SpectralClustering(affinity=\"precomputed\"), the paper's method)";

    public ClusteringResult Fit(Affinity affinity, IReadOnlyList<int> clusterCounts, ClusteringOptions options)
    {
        var embedding = affinity.Dense is { } dense
            ? SpectralClustering.Embed(dense, clusterCounts.Max(), options)
            : SpectralClustering.Embed(affinity.Sparse!, clusterCounts.Max(), options);
        var labels = clusterCounts.Select(k => SpectralClustering.Fit(embedding, k, options)).ToArray();
        var details = new Dictionary<string, object?>
        {
            ["assign_labels"] = options.AssignLabels,
            ["eigen_solver"] = embedding.Solver.ToString().ToLowerInvariant(),
            ["eigen_converged"] = embedding.Converged,
            ["eigen_iterations"] = embedding.Iterations,
            ["eigen_max_residual"] = embedding.MaxResidual,
            ["laplacian_eigenvalues"] = embedding.LaplacianEigenvalues,
        };
        if (options.AssignLabels == LabelAssignment.KMeansLabels)
            details["n_init"] = options.Restarts; // cluster_qr has no restarts
        IReadOnlyList<string> warnings = embedding.Converged ? [] :
            [string.Create(CultureInfo.InvariantCulture, $"eigensolver stopped after {embedding.Iterations} sweeps with residual {embedding.MaxResidual:G3}")];
        return new ClusteringResult(labels, details, warnings);
    }
}
