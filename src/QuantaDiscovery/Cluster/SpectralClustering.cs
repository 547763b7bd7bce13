namespace QuantaDiscovery.Cluster;

/// <summary>
/// Spectral clustering of a precomputed affinity with the semantics of scikit-learn's
/// <c>SpectralClustering(affinity="precomputed", assign_labels="kmeans" or "cluster_qr")</c> (Shi &amp; Malik 2000; Ng, Jordan &amp;
/// Weiss 2002; von Luxburg 2007): k-means with k clusters on the k-column <see cref="SpectralEmbedding"/>, or <see cref="ClusterQr"/>.
/// </summary>
public static class SpectralClustering
{
    /// <summary>Labels in [0, k) for every sample.</summary>
    public static int[] Fit(AffinityMatrix affinity, int clusters, ClusteringOptions? options = null)
    {
        options ??= new ClusteringOptions();
        return Fit(Embed(affinity, clusters, options), clusters, options);
    }

    /// <summary>Labels in [0, k) for every sample of a sparse affinity (a nearest-neighbour graph, say).</summary>
    public static int[] Fit(SparseAffinity affinity, int clusters, ClusteringOptions? options = null)
    {
        options ??= new ClusteringOptions();
        return Fit(Embed(affinity, clusters, options), clusters, options);
    }

    /// <summary>Labels from an embedding computed once with at least <paramref name="clusters"/> components.</summary>
    public static int[] Fit(SpectralEmbedding embedding, int clusters, ClusteringOptions? options = null)
    {
        options ??= new ClusteringOptions();
        using var maps = embedding.MapsTensor(clusters);
        if (options.AssignLabels == LabelAssignment.ClusterQrLabels) return ClusterQr.Labels(maps);
        var kmeans = new KMeansOptions { Restarts = options.Restarts, Seed = options.Seed };
        return KMeans.Fit(maps, clusters, kmeans).Labels;
    }

    /// <summary>Labels for each k in <paramref name="clusterCounts"/>, from one embedding with max(k) components.</summary>
    public static int[][] Sweep(AffinityMatrix affinity, IReadOnlyList<int> clusterCounts, ClusteringOptions? options = null)
    {
        options ??= new ClusteringOptions();
        var embedding = Embed(affinity, clusterCounts.Max(), options);
        return clusterCounts.Select(k => Fit(embedding, k, options)).ToArray();
    }

    public static SpectralEmbedding Embed(AffinityMatrix affinity, int components, ClusteringOptions options) =>
        SpectralEmbedding.Compute(affinity, components, EmbeddingOptions(options));

    public static SpectralEmbedding Embed(SparseAffinity affinity, int components, ClusteringOptions options) =>
        SpectralEmbedding.Compute(affinity, components, EmbeddingOptions(options));

    private static SpectralEmbeddingOptions EmbeddingOptions(ClusteringOptions options) =>
        new() { Solver = options.Solver, Seed = options.Seed, Progress = options.EigenProgress };
}
