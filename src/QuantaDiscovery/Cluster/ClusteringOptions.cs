using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cluster;

/// <summary>Settings of <see cref="AffinityClustering.Run"/>: the method by name and the settings methods share.</summary>
public sealed record ClusteringOptions
{
    /// <summary>A name from <see cref="ClusteringMethods"/>.</summary>
    public string Method { get; init; } = ClusteringMethods.Default;

    /// <summary>n_init: k-means restarts (scikit-learn's default is 10; the paper's pipeline uses 30).</summary>
    public int Restarts { get; init; } = 30;

    /// <summary>Seed of every random choice; equal seeds give equal labels.</summary>
    public int Seed { get; init; }

    /// <summary>Eigensolver of methods that embed the affinity spectrally.</summary>
    public EigenSolver Solver { get; init; } = EigenSolver.Auto;

    /// <summary>Progress of spectral clustering's iterative eigensolver, if wanted.</summary>
    public IProgress<EigenProgress>? EigenProgress { get; init; }

    /// <summary>How spectral clustering labels its embedding (scikit-learn's assign_labels): a name from <see cref="LabelAssignment"/>.</summary>
    public string AssignLabels { get; init; } = LabelAssignment.KMeansLabels;

    /// <summary>Refuses settings no method can use (before anything is read or written).</summary>
    public void Validate()
    {
        ClusteringMethods.Get(Method);
        if (Restarts < 1) throw InputException.Invalid("n_init", Restarts, "k-means needs at least one start");
        if (!LabelAssignment.Names.Contains(AssignLabels))
            throw new InputException($"unknown assign-labels '{AssignLabels}' (choices: {string.Join(", ", LabelAssignment.Names)})");
    }
}

/// <summary>The ways spectral clustering turns its embedding into labels, named as scikit-learn's <c>assign_labels</c>.</summary>
public static class LabelAssignment
{
    /// <summary>k-means on the embedding (scikit-learn's default and the paper's).</summary>
    public const string KMeansLabels = "kmeans";

    /// <summary><see cref="ClusterQr"/>: one pivoted QR and an SVD, no restarts (Damle, Minden &amp; Ying 2019).</summary>
    public const string ClusterQrLabels = "cluster_qr";

    public static IReadOnlyList<string> Names { get; } = [KMeansLabels, ClusterQrLabels];
}
