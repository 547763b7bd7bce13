using System.Runtime;
using QuantaDiscovery.Common;
using TorchSharp;
using static TorchSharp.torch;
using static QuantaDiscovery.Common.Scalars;

namespace QuantaDiscovery.Cluster;

/// <summary>How the eigenvectors of the normalised Laplacian are found.</summary>
public enum EigenSolver
{
    /// <summary>
    /// <see cref="Dense"/> for small matrices (or when most eigenvectors are wanted), else <see cref="Block"/> where it needs at most
    /// a quarter more memory than <see cref="Subspace"/> (<see cref="ClusterEstimate.IterativeSolver"/>), else <see cref="Subspace"/>.
    /// </summary>
    Auto,

    /// <summary>Full symmetric eigendecomposition in float64 (LAPACK through libtorch): O(n³).</summary>
    Dense,

    /// <summary>
    /// Chebyshev-filtered subspace iteration with locking (Zhou &amp; Saad 2007, "A Chebyshev–Davidson
    /// algorithm for large symmetric eigenproblems") on a sliding window of at most 256 wanted columns: O(n² k) per sweep,
    /// float32 matrix products; memory n × K plus a few n × 307 blocks whatever K is.
    /// </summary>
    Subspace,

    /// <summary>
    /// Chebyshev-filtered subspace iteration on all K + K/5 columns at once with soft locking (<see cref="BlockEigensolver"/>):
    /// no projection against locked vectors, two n × (K + K/5) float32 blocks (three while Householder QR runs).
    /// </summary>
    Block,
}

/// <summary>An iterative eigensolver's state after a Rayleigh–Ritz: eigenpairs converged (the known top one included) of those wanted.</summary>
public readonly record struct EigenProgress(int Iteration, int Converged, int Wanted, int FilterDegree);

public sealed record SpectralEmbeddingOptions
{
    public EigenSolver Solver { get; init; } = EigenSolver.Auto;

    /// <summary>With <see cref="EigenSolver.Auto"/>, the dense solver is used up to this many samples.</summary>
    public int DenseLimit { get; init; } = 1000;

    /// <summary>
    /// Subspace solver: an eigenpair (μ, v), ‖v‖ = 1, is accepted once ‖M v − μ v‖ ≤ this × (μ₂ − λ_min(M)), μ₂ being the
    /// largest eigenvalue below the known top one (μ₁ = 1): relative to the width of the rest of the spectrum, because for
    /// dense affinities all but the first eigenvalues of M crowd near 0 (within ±0.005 at 10,000 samples). 10⁻⁴ resolves
    /// the edge where cluster eigenvalues meet the noise bulk well enough to match ARPACK's (tol = 0) clustering.
    /// </summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>
    /// Subspace solver: the most filter-and-Rayleigh–Ritz sweeps in a row that lock nothing; then the window's current Ritz pairs
    /// are accepted as they are and the result is marked unconverged. The block solver stops likewise after at most 8
    /// iterations in a row that add no converged pair.
    /// </summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>Seed of the subspace solver's random starting block.</summary>
    public int Seed { get; init; }

    /// <summary>Told after every Rayleigh–Ritz of the iterative solvers how many eigenpairs have converged.</summary>
    public IProgress<EigenProgress>? Progress { get; init; }

    /// <summary>Subspace solver: wanted columns in its sliding window (smaller only to test the window's sliding on small problems).</summary>
    internal int WindowColumns { get; init; } = SubspaceEigensolver.BlockColumns;
}

/// <summary>
/// The spectral embedding of a precomputed affinity, as scikit-learn's
/// <c>spectral_embedding(A, n_components=k, norm_laplacian=True, drop_first=False)</c> computes it:
/// with A′ = A without its diagonal, d = A′·1 and L = I − D^(−1/2) A′ D^(−1/2) the symmetric normalised
/// Laplacian (von Luxburg 2007, §3.2; Ng, Jordan &amp; Weiss 2002), the columns are the eigenvectors of L for
/// its k smallest eigenvalues, each divided row-wise by √d (so u = D^(−1/2) x, the random-walk
/// eigenvector) and then sign-flipped so that its entry of largest magnitude is positive.
/// Compute it once for the largest k wanted; <see cref="Maps"/> slices the leading columns for any
/// smaller k, so a sweep over k costs one eigendecomposition.
/// </summary>
public sealed class SpectralEmbedding
{
    private const int SignFlipColumns = 32;

    private readonly float[] _maps;

    /// <summary>Number of samples n.</summary>
    public int Samples { get; }

    /// <summary>Number of columns computed (the largest k that <see cref="Maps"/> can give).</summary>
    public int Components { get; }

    /// <summary>The eigenvalues of L for the computed columns, ascending (0 for a connected graph first).</summary>
    public IReadOnlyList<double> LaplacianEigenvalues { get; }

    /// <summary>The solver that ran (never <see cref="EigenSolver.Auto"/>).</summary>
    public EigenSolver Solver { get; }

    /// <summary>Subspace solver: sweeps run (0 for the dense solver).</summary>
    public int Iterations { get; }

    /// <summary>Largest residual ‖M v − μ v‖ among the returned eigenpairs.</summary>
    public double MaxResidual { get; }

    /// <summary>False when the subspace solver stopped at its iteration cap before every residual met the tolerance.</summary>
    public bool Converged { get; }

    private SpectralEmbedding(float[] maps, int samples, int components, double[] eigenvalues, EigenSolver solver,
        int iterations, double maxResidual, bool converged)
    {
        _maps = maps;
        Samples = samples;
        Components = components;
        LaplacianEigenvalues = eigenvalues;
        Solver = solver;
        Iterations = iterations;
        MaxResidual = maxResidual;
        Converged = converged;
    }

    /// <summary>The first <paramref name="components"/> columns of the embedding: samples × components, row-major.</summary>
    public float[] Maps(int components)
    {
        if (components < 1 || components > Components)
            throw new ArgumentOutOfRangeException(nameof(components), $"this embedding has {Components} components; asked for {components}");
        var slice = new float[(long)Samples * components];
        for (int i = 0; i < Samples; i++)
            _maps.AsSpan((int)((long)i * Components), components).CopyTo(slice.AsSpan((int)((long)i * components), components));
        return slice;
    }

    /// <summary>The first <paramref name="components"/> columns as a float32 tensor [samples, components] (one copy, no managed one).</summary>
    internal Tensor MapsTensor(int components)
    {
        if (components < 1 || components > Components)
            throw new ArgumentOutOfRangeException(nameof(components), $"this embedding has {Components} components; asked for {components}");
        const int rowChunk = 1 << 12;
        var maps = empty(Samples, components, ScalarType.Float32);
        var rows = new float[(long)rowChunk * components];
        for (int start = 0; start < Samples; start += rowChunk)
        {
            using var scope = NewDisposeScope();
            int count = Math.Min(rowChunk, Samples - start);
            for (int i = 0; i < count; i++)
                _maps.AsSpan((int)((long)(start + i) * Components), components).CopyTo(rows.AsSpan(i * components, components));
            maps.narrow(0, start, count).copy_(tensor(rows).narrow(0, 0, (long)count * components).reshape(count, components));
        }
        return maps;
    }

    /// <summary>Computes the first <paramref name="components"/> columns of the spectral embedding of <paramref name="affinity"/>.</summary>
    public static SpectralEmbedding Compute(AffinityMatrix affinity, int components, SpectralEmbeddingOptions? options = null) =>
        Compute(() => NormalisedAffinity.Of(affinity), components, options);

    /// <summary>
    /// The spectral embedding of a sparse affinity (a k-nearest-neighbour graph, say): the same Laplacian and conventions,
    /// the subspace solver multiplying by the sparse matrix (O(nnz · k) per product instead of O(n² k)).
    /// </summary>
    public static SpectralEmbedding Compute(SparseAffinity affinity, int components, SpectralEmbeddingOptions? options = null) =>
        Compute(() => NormalisedAffinity.Of(affinity), components, options);

    private static SpectralEmbedding Compute(Func<NormalisedAffinity> normalise, int components, SpectralEmbeddingOptions? options) =>
        TorchThreads.SingleThreaded(() =>
        {
            using var scope = NewDisposeScope();
            var normalised = normalise();
            // Reading the affinity left managed buffers behind (the archive's arrays): collected now, they stay out of the
            // eigensolver's peak instead of lingering beside its blocks until the GC gets round to them.
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect();
            return ComputeSingleThreaded(normalised, components, options ?? new SpectralEmbeddingOptions());
        });

    private static SpectralEmbedding ComputeSingleThreaded(NormalisedAffinity normalised, int components, SpectralEmbeddingOptions options)
    {
        int n = normalised.Size;
        if (components < 1 || components > n)
            throw new ArgumentOutOfRangeException(nameof(components), $"components must be in [1, {n}], got {components}");
        var solver = options.Solver;
        if (solver == EigenSolver.Auto)
            solver = n <= options.DenseLimit || 3 * components >= n ? EigenSolver.Dense : ClusterEstimate.IterativeSolver(n, components);

        EigenResult result = solver switch
        {
            EigenSolver.Dense => DenseTop(normalised.ToDense(), components),
            EigenSolver.Block => new BlockEigensolver(normalised, components, options, normalised.TopEigenvector).Solve(),
            _ => new SubspaceEigensolver(normalised, components, options, normalised.TopEigenvector).Solve(),
        };

        // u = D^(-1/2) x, then the deterministic sign flip of sklearn.utils.extmath._deterministic_vector_sign_flip; the subspace
        // solver's float32 vectors are scaled in place (no float64 n × K copy), a few columns at a time for the flip.
        var maps = result.Vectors.dtype == ScalarType.Float64
            ? result.Vectors.div(normalised.SqrtDegree.unsqueeze(1))
            : result.Vectors.div_(normalised.SqrtDegree.to_type(ScalarType.Float32).unsqueeze(1));
        for (long first = 0; first < components; first += SignFlipColumns)
        {
            using var chunk = NewDisposeScope();
            var columns = maps.narrow(1, first, Math.Min(SignFlipColumns, components - first));
            var largest = columns.abs().argmax(0);
            var signs = columns.gather(0, largest.unsqueeze(0)).sign();
            columns.mul_(where(signs.eq(Zero), ones_like(signs), signs));
        }
        var values = maps.to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        var laplacianEigenvalues = result.Eigenvalues.Select(mu => 1 - mu).ToArray();
        return new SpectralEmbedding(values, n, components, laplacianEigenvalues, solver, result.Iterations,
            result.MaxResidual, result.Converged);
    }

    private static EigenResult DenseTop(Tensor normalised, int components)
    {
        var (values, vectors) = linalg.eigh(normalised.to_type(ScalarType.Float64));
        int n = (int)values.shape[0];
        var top = vectors.narrow(1, n - components, components).flip(1);
        var mu = values.narrow(0, n - components, components).flip(0).data<double>().ToArray();
        return new EigenResult(top, mu, 0, 0, true);
    }

    internal sealed record EigenResult(Tensor Vectors, double[] Eigenvalues, int Iterations, double MaxResidual, bool Converged);
}
