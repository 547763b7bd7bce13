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

    /// <summary>Refuses settings no method can use (before anything is read or written).</summary>
    public void Validate()
    {
        ClusteringMethods.Get(Method);
        if (Restarts < 1) throw InputException.Invalid("n_init", Restarts, "k-means needs at least one start");
    }
}
