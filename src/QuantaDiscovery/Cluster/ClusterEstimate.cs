using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cluster;

/// <summary>
/// Peak memory and time of spectral clustering before it runs, from (n, stored entries, K, label assignment), as the
/// largest of its phases (each includes the affinity held throughout):
/// <list type="bullet">
/// <item>reading the affinity: dense, the matrix and its normalised tensor [8 n²]; sparse, the archive's buffers, the
/// validated CSR and the normalised copy [<see cref="SparseLoadBytesPerEntry"/> per entry];</item>
/// <item>the eigensolver: dense (n ≤ 1,000 or 3K ≥ n), float64 eigh with its workspace [24 n²]; block
/// (<see cref="BlockEigensolver"/>), <see cref="BlockSolverBlocks"/> blocks of n × (K + K/5) float32 and
/// <see cref="BlockSolverSquareMatrices"/> (K + K/5)² float64 matrices; windowed subspace, the
/// n × K float32 locked vectors and <see cref="SubspaceBlocks"/> blocks of n × b float32, b = min(K, 256) + guard vectors (the
/// sliding window of <see cref="SubspaceEigensolver"/>); <see cref="IterativeSolver"/> picks the block solver unless it needs
/// more memory than the windowed one;</item>
/// <item>labelling: the embedding as a managed array and as the tensor k-means centres (or cluster_qr rotates) [8 n K];
/// k-means restarts and cluster_qr work a few thousand rows at a time.</item>
/// </list>
/// The constants are fitted to measured peaks (tests/.../Cluster/ClusterEstimateTests.cs, child processes at three sizes).
/// </summary>
public static class ClusterEstimate
{
    /// <summary>
    /// Resident n × b float32 blocks at the subspace solver's peak (the block and its product, Ritz vectors and products, the
    /// Chebyshev recurrence, QR's copy and result): 7, fitted to `quanta cluster` at n = 40,000–120,000 with K = 64 (b = 80)
    /// and K = 300 (b = 307), where 7.4 to 8.3 blocks remained after the other terms (2026-12-03).
    /// </summary>
    public const double SubspaceBlocks = 7;

    /// <summary>
    /// Resident n × b float32 blocks at the block solver's peak: the block and its product (the Chebyshev recurrence runs in
    /// place), and while Householder QR runs its input, LAPACK's column-major copy and Q, not all of them at full size at once;
    /// row chunks on top. Beside them the block solver's phase counts the reading phase's bytes as well: the solver is lean
    /// enough that the managed buffers of reading the archive, garbage the GC has not returned, show in the peak. Fitted with
    /// <see cref="BlockSolverSquareMatrices"/> to `quanta cluster` with K = 1,000 (b = 1,198) at n = 8,000, 18,000, 30,000,
    /// 100,000, 300,000 and 1,000,000 (499 MiB … 14.25 GiB measured; estimates 0.90–1.06 of them) and K = 500 at 8,000 (2026-12-03);
    /// K = 64 (b = 79) at n = 40,000–120,000 is in the estimate tests.
    /// </summary>
    public const double BlockSolverBlocks = 2.4;

    /// <summary>
    /// b × b float64 matrices the block solver holds besides its blocks (Rayleigh–Ritz's projection, its eigenvectors and
    /// LAPACK's workspace, the rotation, row chunks' temporaries that scale with b): a fitted count, as it is the only term
    /// that grows with K alone (123 MiB at n = 8,000, K = 1,000, where the blocks are 110 MiB).
    /// </summary>
    public const double BlockSolverSquareMatrices = 16;

    /// <summary>
    /// <see cref="IterativeSolver"/> takes the block solver while its blocks need at most this times the windowed solver's
    /// locked vectors and blocks: a quarter more memory for an eigensolver that projects against no locked vectors (at K = 1,000
    /// the block solver needs 1.14 times the memory and is two orders of magnitude faster).
    /// </summary>
    public const double BlockMemoryAllowance = 1.25;

    /// <summary>Outer iterations of the block solver assumed by the time estimate (planted clusters converged in 3–4 at 100k–1M; a rough figure).</summary>
    private const double BlockIterations = 4;

    /// <summary>
    /// How much faster than <see cref="MemoryBudget.FlopsPerSecond"/> the block solver's work runs: its flops are large
    /// float32 matrix products and Householder QR on the whole block, measured at ≈ 2.5·10¹⁰ flop/s at n = 100,000–1,000,000,
    /// K = 1,000 on this project's two cores (2026-12-03), against the 4·10⁹ the other estimates assume.
    /// </summary>
    private const double BlockSolverSpeedup = 6;

    /// <summary>Bytes per stored entry while a sparse affinity is read (archive, validated CSR, normalised copy).</summary>
    public const long SparseLoadBytesPerEntry = 40;

    /// <summary>Bytes per stored entry held while a sparse affinity is clustered: the CSR (column, value) and the normalised values.</summary>
    public const long SparseHeldBytesPerEntry = 12;

    /// <summary>Chebyshev-filter sweeps per window of the subspace solver (a rough figure for the time estimate).</summary>
    private const double SweepsPerWindow = 60;

    /// <summary>
    /// The iterative eigensolver for K eigenvectors of n samples: <see cref="EigenSolver.Block"/> unless its n × (K + K/5)
    /// blocks (its (K + K/5)² matrices aside, which matter only where n is small and both solvers fit easily) need more
    /// than <see cref="BlockMemoryAllowance"/> times the windowed solver's locked vectors and blocks, else
    /// <see cref="EigenSolver.Subspace"/>.
    /// </summary>
    public static EigenSolver IterativeSolver(long n, int clusters) =>
        BlockSolverBlockBytes(n, clusters) <= BlockMemoryAllowance * WindowedSolverBytes(n, clusters) ? EigenSolver.Block : EigenSolver.Subspace;

    private static long BlockColumns(long n, int clusters) => BlockEigensolver.Columns(n, Math.Max(1, clusters - 1));

    /// <summary>The block solver's n × b blocks alone: the part that grows with n, which the choice of solver weighs.</summary>
    private static long BlockSolverBlockBytes(long n, int clusters) => (long)(BlockSolverBlocks * 4 * n * BlockColumns(n, clusters));

    private static long BlockSolverBytes(long n, int clusters)
    {
        long b = BlockColumns(n, clusters);
        return BlockSolverBlockBytes(n, clusters) + (long)(BlockSolverSquareMatrices * 8 * b * b);
    }

    private static long WindowColumns(int clusters)
    {
        int window = Math.Min(clusters, SubspaceEigensolver.BlockColumns);
        return window + SubspaceEigensolver.GuardColumns(window);
    }

    private static long WindowedSolverBytes(long n, int clusters) => 4 * n * clusters + (long)(SubspaceBlocks * 4 * n * WindowColumns(clusters));

    /// <param name="solver">the eigensolver asked for; <see cref="EigenSolver.Auto"/> as <see cref="SpectralEmbedding"/> resolves it</param>
    public static ResourceEstimate Estimate(long n, long entries, bool sparse, int clusters, string assignLabels = LabelAssignment.KMeansLabels,
        EigenSolver solver = EigenSolver.Auto)
    {
        long k = clusters;
        if (solver == EigenSolver.Auto)
            solver = !sparse && (n <= 1000 || 3 * k >= n) ? EigenSolver.Dense : IterativeSolver(n, clusters);
        long held = sparse ? SparseHeldBytesPerEntry * entries + 16 * n : 8 * n * n;
        long reading = sparse ? SparseLoadBytesPerEntry * entries : 8 * n * n;
        long solverBytes = held + solver switch
        {
            EigenSolver.Dense => 24 * n * n,
            EigenSolver.Block => BlockSolverBytes(n, clusters) + (sparse ? SparseLoadBytesPerEntry * entries : 0),
            _ => WindowedSolverBytes(n, clusters),
        };
        long labelling = held + 8 * n * k;
        long peak = Math.Max(reading, Math.Max(solverBytes, labelling));

        long b = solver == EigenSolver.Block ? BlockColumns(n, clusters) : WindowColumns(clusters);
        double productFlops = sparse ? 2.0 * entries * b : 2.0 * n * n * b;
        // Windowed: per sweep ~12 products, each followed by a projection against the locked vectors (on average K/2 of them), and
        // Rayleigh–Ritz with orthonormalisation (~8 n b²); one window per 256 eigenpairs. Block: per outer iteration ~12 products
        // and ~10 n b² (Householder QR 4, Rayleigh–Ritz's projection 2, rotating the block and its product 4).
        double windows = Math.Ceiling((double)k / SubspaceEigensolver.BlockColumns);
        double flops = solver switch
        {
            EigenSolver.Dense => 10.0 * n * n * n,
            EigenSolver.Block => BlockIterations * (12 * productFlops + 10.0 * n * b * b) / BlockSolverSpeedup,
            _ => windows * SweepsPerWindow * (12 * (productFlops + 4.0 * n * (k / 2.0) * b) + 8.0 * n * b * b),
        };
        flops += assignLabels == LabelAssignment.ClusterQrLabels ? 4.0 * n * k * k : 30 * 50 * 2.0 * n * k * k;
        string solverName = solver switch { EigenSolver.Dense => "dense", EigenSolver.Block => "block subspace", _ => "subspace" };
        return new ResourceEstimate($"spectral clustering ({(sparse ? "sparse" : "dense")} affinity, {solverName} eigensolver, " +
            $"{assignLabels}), n = {n:N0}, K = {k:N0}", MemoryBudget.ProcessBaseBytes + peak, flops / MemoryBudget.FlopsPerSecond);
    }

    /// <summary>The estimate for an affinity file (dense .npy or sparse .npz), read from its header alone.</summary>
    public static ResourceEstimate ForFile(string affinityPath, int clusters, string assignLabels = LabelAssignment.KMeansLabels)
    {
        var (n, entries, sparse) = Shape(affinityPath);
        return Estimate(n, entries, sparse, clusters, assignLabels);
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
    public static string LargestFitting(long n, long entries, bool sparse, long budget, string assignLabels = LabelAssignment.KMeansLabels)
    {
        var k = MemoryBudget.LargestFitting(2, (int)Math.Min(n, 100_000), budget, c => Estimate(n, entries, sparse, c, assignLabels).PeakBytes);
        return k is { } fits ? $"the largest K that fits is {fits:N0}"
            : $"no K fits: K = 2 already needs about {MemoryBudget.Format(Estimate(n, entries, sparse, 2, assignLabels).PeakBytes)} " +
              $"(the process itself and the affinity of {n:N0} samples)";
    }
}
