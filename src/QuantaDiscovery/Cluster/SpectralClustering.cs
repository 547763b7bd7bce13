using System.Text.Json;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cluster;

/// <summary>Parameters of <see cref="SpectralClustering"/>.</summary>
public sealed record SpectralClusteringOptions
{
    /// <summary>n_init: k-means restarts on the embedding (scikit-learn's default is 10; the paper's pipeline uses 30).</summary>
    public int Restarts { get; init; } = 30;

    /// <summary>Seed of the eigensolver's start and of k-means; equal seeds give equal labels.</summary>
    public int Seed { get; init; }

    public EigenSolver Solver { get; init; } = EigenSolver.Auto;
}

/// <summary>
/// Spectral clustering of a precomputed affinity with the semantics of scikit-learn's
/// <c>SpectralClustering(affinity="precomputed", assign_labels="kmeans")</c> (Shi &amp; Malik 2000; Ng, Jordan &amp;
/// Weiss 2002; von Luxburg 2007): k-means with k clusters on the k-column <see cref="SpectralEmbedding"/>.
/// </summary>
public static class SpectralClustering
{
    /// <summary>Labels in [0, k) for every sample.</summary>
    public static int[] Fit(AffinityMatrix affinity, int clusters, SpectralClusteringOptions? options = null)
    {
        options ??= new SpectralClusteringOptions();
        return Fit(Embed(affinity, clusters, options), clusters, options);
    }

    /// <summary>Labels in [0, k) for every sample of a sparse affinity (a nearest-neighbour graph, say).</summary>
    public static int[] Fit(SparseAffinity affinity, int clusters, SpectralClusteringOptions? options = null)
    {
        options ??= new SpectralClusteringOptions();
        return Fit(Embed(affinity, clusters, options), clusters, options);
    }

    /// <summary>Labels from an embedding computed once with at least <paramref name="clusters"/> components.</summary>
    public static int[] Fit(SpectralEmbedding embedding, int clusters, SpectralClusteringOptions? options = null)
    {
        options ??= new SpectralClusteringOptions();
        var maps = embedding.Maps(clusters);
        var kmeans = new KMeansOptions { Restarts = options.Restarts, Seed = options.Seed };
        return KMeans.Fit(maps, embedding.Samples, clusters, clusters, kmeans).Labels;
    }

    /// <summary>Labels for each k in <paramref name="clusterCounts"/>, from one embedding with max(k) components.</summary>
    public static int[][] Sweep(AffinityMatrix affinity, IReadOnlyList<int> clusterCounts, SpectralClusteringOptions? options = null)
    {
        options ??= new SpectralClusteringOptions();
        var embedding = Embed(affinity, clusterCounts.Max(), options);
        return clusterCounts.Select(k => Fit(embedding, k, options)).ToArray();
    }

    public static SpectralEmbedding Embed(AffinityMatrix affinity, int components, SpectralClusteringOptions options) =>
        SpectralEmbedding.Compute(affinity, components, EmbeddingOptions(options));

    public static SpectralEmbedding Embed(SparseAffinity affinity, int components, SpectralClusteringOptions options) =>
        SpectralEmbedding.Compute(affinity, components, EmbeddingOptions(options));

    private static SpectralEmbeddingOptions EmbeddingOptions(SpectralClusteringOptions options) =>
        new() { Solver = options.Solver, Seed = options.Seed };

    /// <summary>
    /// The `quanta cluster` stage: reads the affinity (a dense .npy, or a sparse .npz in scipy's save_npz layout, such as
    /// <c>quanta similarity --knn</c> writes), clusters it for every k, and writes labels as int32
    /// .npy — shape [n] when one k was asked for as a single number, else [len(ks), n] (row r = ks[r]) — with a
    /// JSON beside it (same name, .json) listing the ks, the options and the Laplacian eigenvalues.
    /// </summary>
    public static SpectralEmbedding Run(string affinityPath, IReadOnlyList<int> clusterCounts, bool sweep, string outputPath,
        SpectralClusteringOptions options)
    {
        bool sparse = IsSparseFile(affinityPath);
        var dense = sparse ? null : AffinityMatrix.Load(affinityPath);
        var graph = sparse ? SparseAffinity.Load(affinityPath) : null;
        int n = dense?.Size ?? graph!.Size;
        foreach (var k in clusterCounts)
            if (k < 2 || k > n)
                throw new InputException($"cluster counts must be in [2, {n}] (the number of samples); got {k}", affinityPath);
        var embedding = dense is not null ? Embed(dense, clusterCounts.Max(), options) : Embed(graph!, clusterCounts.Max(), options);
        var labels = clusterCounts.Select(k => Fit(embedding, k, options)).ToArray();
        if (sweep)
            Npy.Write<int>(outputPath, labels.SelectMany(l => l).ToArray(), clusterCounts.Count, n);
        else
            Npy.Write<int>(outputPath, labels[0], n);
        ClusterTable.Write(Path.ChangeExtension(outputPath, ".parquet"), clusterCounts, labels);
        var summary = new
        {
            affinity = RecordedPath.Of(affinityPath, Path.GetDirectoryName(Path.GetFullPath(outputPath))!),
            samples = n,
            affinity_format = sparse ? "csr" : "dense",
            affinity_entries = sparse ? graph!.Entries : (long)n * n,
            clusters = clusterCounts,
            labels_shape = sweep ? new[] { clusterCounts.Count, n } : [n],
            n_init = options.Restarts,
            seed = options.Seed,
            eigen_solver = embedding.Solver.ToString().ToLowerInvariant(),
            eigen_converged = embedding.Converged,
            eigen_max_residual = embedding.MaxResidual,
            laplacian_eigenvalues = embedding.LaplacianEigenvalues,
        };
        File.WriteAllText(Path.ChangeExtension(outputPath, ".json"),
            JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
        return embedding;
    }

    /// <summary>Whether an affinity file is sparse: scipy's save_npz writes .npz, a dense matrix is .npy.</summary>
    public static bool IsSparseFile(string affinityPath) =>
        string.Equals(Path.GetExtension(affinityPath), ".npz", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parses a cluster-count list: "100" (one k), "50,100,200", or an inclusive range "start:stop:step"
    /// such as "50:200:50"; items may mix. Sweep is true unless the text is a single number.
    /// </summary>
    public static (int[] Counts, bool Sweep) ParseCounts(string text)
    {
        var counts = new List<int>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(':');
            if (parts.Length == 1 && int.TryParse(parts[0], out int single))
                counts.Add(single);
            else if (parts.Length == 3 && int.TryParse(parts[0], out int start) && int.TryParse(parts[1], out int stop)
                     && int.TryParse(parts[2], out int step) && step > 0 && start <= stop)
                for (int k = start; k <= stop; k += step) counts.Add(k);
            else
                throw new InputException($"--clusters: cannot read cluster count '{item}': expected a number, a list like 50,100,200 or a range start:stop:step");
        }
        if (counts.Count == 0)
            throw new InputException($"--clusters: no cluster count in '{text}'");
        bool sweep = counts.Count > 1 || text.Contains(',') || text.Contains(':');
        return (counts.ToArray(), sweep);
    }
}
