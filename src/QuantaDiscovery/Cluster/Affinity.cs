namespace QuantaDiscovery.Cluster;

/// <summary>A precomputed affinity, dense (.npy [n, n]) or sparse (CSR .npz in scipy's save_npz layout).</summary>
public sealed class Affinity
{
    private Affinity(string? path, AffinityMatrix? dense, SparseAffinity? sparse) => (Path, Dense, Sparse) = (path, dense, sparse);

    public string? Path { get; }
    public AffinityMatrix? Dense { get; }
    public SparseAffinity? Sparse { get; }
    public int Size => Dense?.Size ?? Sparse!.Size;

    /// <summary>Stored entries: n² when dense.</summary>
    public long Entries => Sparse?.Entries ?? (long)Size * Size;

    public static Affinity Of(AffinityMatrix dense) => new(null, dense, null);
    public static Affinity Of(SparseAffinity sparse) => new(null, null, sparse);

    /// <summary>Reads a dense .npy or a sparse .npz affinity, chosen by the extension.</summary>
    public static Affinity Load(string path) =>
        IsSparseFile(path) ? new(path, null, SparseAffinity.Load(path)) : new(path, AffinityMatrix.Load(path), null);

    /// <summary>Whether an affinity file is sparse: scipy's save_npz writes .npz, a dense matrix is .npy.</summary>
    public static bool IsSparseFile(string affinityPath) =>
        string.Equals(System.IO.Path.GetExtension(affinityPath), ".npz", StringComparison.OrdinalIgnoreCase);
}
