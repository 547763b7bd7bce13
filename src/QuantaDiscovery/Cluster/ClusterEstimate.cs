using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cluster;

/// <summary>
/// Peak memory and time of <see cref="SpectralClustering.Run"/> before it runs, from (n, stored entries, K):
/// <list type="bullet">
/// <item>the affinity: dense, the matrix and its normalised tensor [8 n²]; sparse, the archive's buffers, the validated
/// CSR and the normalised copy [40 per entry];</item>
/// <item>the eigensolver: dense (n ≤ 1,000 or 3K ≥ n), float64 eigh with its workspace [24 n²]; subspace, blocks of
/// n × b float32 with b = K + max(16, K/5) guard vectors, of which <see cref="SubspaceBlocks"/> are resident at the peak
/// (the block, its product, Ritz vectors and products, the Chebyshev recurrence and its temporaries, the locked vectors,
/// and what libtorch's allocator keeps between sweeps);</item>
/// <item>the embedding in float64 and float32 and k-means: [16 n K] plus n × K distances per worker thread [8 n K].</item>
/// </list>
/// </summary>
public static class ClusterEstimate
{
    /// <summary>
    /// Resident n × b blocks at the subspace solver's peak: 32, from the one large run recorded (n = 100,000, K = 400,
    /// 30-NN graph: 7.3 GiB peak RSS, benchmarks/qdg-sketch/RESULTS.md) after the other terms are taken off; the
    /// allocations the solver makes at once account for about 12, the rest is allocator retention.
    /// </summary>
    public const double SubspaceBlocks = 32;

    public static ResourceEstimate Estimate(long n, long entries, bool sparse, int clusters)
    {
        long k = clusters;
        long b = k + Math.Max(16, k / 5);
        bool denseSolver = !sparse && (n <= 1000 || 3 * k >= n);
        long affinity = sparse ? 40 * entries : 8 * n * n;
        long solver = denseSolver ? 24 * n * n : (long)(SubspaceBlocks * 4 * n * b) + (sparse ? 0 : 4 * n * n);
        long embedding = 16 * n * k + Environment.ProcessorCount * 8 * n * k;
        double productFlops = sparse ? 2.0 * entries * b : 2.0 * n * n * b;
        // ~12 products per sweep, ~60 sweeps; Rayleigh–Ritz and orthonormalisation 4 n b² per sweep; k-means restarts.
        double flops = denseSolver ? 10.0 * n * n * n : 60 * (12 * productFlops + 8.0 * n * b * b);
        flops += 30 * 50 * 2.0 * n * k * k;
        return new ResourceEstimate($"spectral clustering ({(sparse ? "sparse" : "dense")} affinity, {(denseSolver ? "dense" : "subspace")} eigensolver), " +
            $"n = {n:N0}, K = {k:N0}", MemoryBudget.ProcessBaseBytes + affinity + solver + embedding, flops / MemoryBudget.FlopsPerSecond);
    }

    /// <summary>The estimate for an affinity file (dense .npy or sparse .npz), read from its header alone.</summary>
    public static ResourceEstimate ForFile(string affinityPath, int clusters)
    {
        var (n, entries, sparse) = Shape(affinityPath);
        return Estimate(n, entries, sparse, clusters);
    }

    /// <summary>Samples, stored entries and sparsity of an affinity file.</summary>
    public static (int Samples, long Entries, bool Sparse) Shape(string affinityPath)
    {
        if (Affinity.IsSparseFile(affinityPath))
        {
            var (size, entries) = SparseAffinity.PeekShape(affinityPath);
            return (size, entries, true);
        }
        if (!File.Exists(affinityPath)) throw new InputException("file not found", affinityPath);
        using var stream = File.OpenRead(affinityPath);
        var (descriptor, shape, _) = Npy.ReadHeader(stream, affinityPath);
        if (shape.Length != 2 || shape[0] != shape[1])
            throw new InputException($"an affinity matrix must be square [n, n], got shape ({string.Join(", ", shape)})", affinityPath);
        if (descriptor != "<f4") throw new InputException($"an affinity matrix must be float32 ('<f4'), got '{descriptor}'", affinityPath);
        return (shape[0], (long)shape[0] * shape[0], false);
    }

    /// <summary>The largest K whose clustering fits, in words.</summary>
    public static string LargestFitting(long n, long entries, bool sparse, long budget)
    {
        var k = MemoryBudget.LargestFitting(2, (int)Math.Min(n, 100_000), budget, c => Estimate(n, entries, sparse, c).PeakBytes);
        return k is { } fits ? $"the largest K that fits is {fits:N0}" : $"no K fits: the affinity of {n:N0} samples alone is too large";
    }
}
