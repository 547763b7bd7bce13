using QuantaDiscovery.Common;
using TorchSharp;
using static TorchSharp.torch;
using static QuantaDiscovery.Common.Scalars;

namespace QuantaDiscovery.Cluster;

/// <summary>
/// The <paramref name="wanted"/> largest eigenpairs of a symmetric float32 matrix M whose spectrum lies in [−1, 1], by
/// Chebyshev-filtered subspace iteration on the whole block at once (Zhou &amp; Saad 2007; Saad, "Numerical Methods for Large
/// Eigenvalue Problems", 2nd ed., §7.4): b = K′ + guard columns, K′ the pairs wanted besides the known top one. Each outer
/// iteration runs one Rayleigh–Ritz on the whole block, one Chebyshev filter over all its columns, one Householder QR and
/// one Cholesky-QR step that restores orthonormality after the known top vector is projected out, with soft locking:
/// converged Ritz pairs stay in the block and are only counted, so no filter step projects against locked vectors (the windowed <see cref="SubspaceEigensolver"/> does, at 4·n·K·b flops a step). Only the known top
/// eigenvector (μ = 1) is projected out, one column. Memory: two n × b float32 blocks, three while LAPACK's QR runs (the
/// recurrence runs in place, <see cref="NormalisedAffinity.ChebyshevStep"/>; rotations and residuals go a few thousand rows at a time).
/// The degree and the damped interval follow the windowed solver (<see cref="SubspaceEigensolver.Degree"/>).
/// </summary>
/// <param name="knownTop">an eigenvector of M for its largest eigenvalue 1, if known: it is kept out of the block</param>
internal sealed class BlockEigensolver(NormalisedAffinity matrix, int wanted, SpectralEmbeddingOptions options, Tensor? knownTop = null)
{
    private readonly int _n = matrix.Size;

    /// <summary>
    /// Iterations in a row that add no converged pair before the block is taken as it is and marked unconverged. Every
    /// iteration works on all pairs at once, so a count that does not rise for this long has met a floor (float32's: a
    /// tolerance below what float32 blocks can resolve), not a slow pair.
    /// </summary>
    private const int StalledIterations = 8;

    /// <summary>Columns b of the block for <paramref name="wanted"/> eigenpairs of an n × n matrix (the known top one excluded).</summary>
    public static int Columns(long n, int wanted) =>
        (int)Math.Min(wanted + SubspaceEigensolver.GuardColumns(wanted), Math.Max(1, n - 1));

    public SpectralEmbedding.EigenResult Solve()
    {
        var random = new Random(options.Seed);
        var top = knownTop is null
            ? empty(_n, 0, ScalarType.Float32)
            : knownTop.div(knownTop.pow(Two).sum().sqrt()).to_type(ScalarType.Float32).reshape(_n, 1);
        int known = (int)top.shape[1];
        int need = wanted - known;
        if (need == 0)
            return new SpectralEmbedding.EigenResult(top, [1.0], 0, 0, true);
        int columns = Columns(_n - known + 1, need);
        double lower = SubspaceEigensolver.LowerSpectrumBound(matrix, random, top);
        Tensor block;
        using (NewDisposeScope())
            block = RowMajor(SubspaceEigensolver.Orthonormalise(SubspaceEigensolver.RandomBlock(_n, columns, random), top)).MoveToOuterDisposeScope();
        double spectrumTop = double.NegativeInfinity, lowerAtStart = lower;
        int best = 0, stalled = 0;
        for (int iteration = 1; ; iteration++)
        {
            // In-place operations hand back tensor handles of their own: the scope disposes them with each iteration's temporaries.
            using var scope = NewDisposeScope();
            var product = matrix.Multiply(block);
            var theta = RayleighRitz(block, product);
            var residuals = SubspaceEigensolver.ResidualNorms(block, product, theta);
            spectrumTop = Math.Max(spectrumTop, theta[0]);
            double tolerance = SubspaceEigensolver.ResidualTolerance(options, spectrumTop, lowerAtStart);
            // Soft locking: every wanted pair is counted, wherever it sits; the filter aims at the first one still open.
            int converged = residuals.Take(need).Count(r => r <= tolerance);
            int open = Array.FindIndex(residuals, 0, need, r => r > tolerance);
            (best, stalled) = converged > best ? (converged, 0) : (best, stalled + 1);
            bool done = converged == need || stalled >= Math.Min(options.MaxIterations, StalledIterations);
            // Ritz values below the Lanczos bound mean the bound missed the bottom of the spectrum (40 steps from one random vector
            // can): left there, those eigenvectors would be amplified like wanted ones. From then on the bound is −1, which holds
            // for every M, and the damped interval's top is the smallest Ritz value not below the old bound.
            int last = theta.Length - 1;
            if (theta[last] < lower)
            {
                while (last > need && theta[last] < lower) last--;
                lower = -1;
            }
            double upper = theta[last];
            // The damped interval [bottom, upper] must not be empty; its floor is relative to the unresolved width.
            double bottom = Math.Min(lower, upper - 1e-2 * Math.Max(theta[0] - lower, 1e-12));
            int degree = done ? 0 : SubspaceEigensolver.Degree(bottom, upper, theta[Math.Max(open, 0)], theta[need - 1]);
            options.Progress?.Report(new EigenProgress(iteration, known + converged, wanted, degree));
            if (done)
            {
                product.Dispose();
                var vectors = empty(_n, wanted, ScalarType.Float32);
                using (NewDisposeScope())
                {
                    if (known > 0) vectors.narrow(1, 0, known).copy_(top);
                    vectors.narrow(1, known, need).copy_(block.narrow(1, 0, need));
                }
                block.Dispose();
                double[] values = [.. Enumerable.Repeat(1.0, known), .. theta.Take(need)];
                return new SpectralEmbedding.EigenResult(vectors.MoveToOuterDisposeScope(), values, iteration, residuals.Take(need).Max(), converged == need);
            }
            var filtered = ChebyshevFilter(block, product, top, degree, bottom, upper);
            SubspaceEigensolver.ProjectOut(filtered, top);
            // Householder QR has no row split of ours: LAPACK runs it on the caller's threads (on one, it was half of each
            // outer iteration at n = 1,000,000).
            Tensor q, r;
            using (TorchThreads.OnThisThread(TorchThreads.Width))
                (q, r) = linalg.qr(filtered);
            r.Dispose();
            filtered.Dispose();
            SubspaceEigensolver.ProjectOut(q, top);
            var rows = RowMajor(q);
            RestoreOrthonormality(rows);
            block = rows.MoveToOuterDisposeScope();
        }
    }

    /// <summary>A row-major copy of LAPACK's column-major Q (the sparse product and the in-place steps want rows); disposes Q.</summary>
    private static Tensor RowMajor(Tensor q)
    {
        if (q.is_contiguous()) return q;
        var rows = q.contiguous();
        q.Dispose();
        return rows;
    }

    /// <summary>
    /// Rayleigh–Ritz on the orthonormal <paramref name="block"/> with its product: both are rotated in place to the Ritz
    /// vectors and their products; returns the Ritz values, descending.
    /// </summary>
    private static double[] RayleighRitz(Tensor block, Tensor product)
    {
        using var scope = NewDisposeScope();
        var (values, vectors) = linalg.eigh(SubspaceEigensolver.Projection(block, product));
        var rotation = vectors.flip(1).to_type(ScalarType.Float32).contiguous();
        RotateInPlace(block, rotation);
        RotateInPlace(product, rotation);
        return values.flip(0).data<double>().ToArray();
    }

    /// <summary>
    /// Q ← Q·R⁻¹ with QᵀQ = RᵀR (one Cholesky-QR step, Gram matrix summed in float64). The filter leaves the guard columns as
    /// the block's small remainders, so QR turns float32 residue along the known top vector into large components of theirs;
    /// projecting those out after QR took the block that far from orthonormal (QᵀQ − I ≈ 10⁻⁴ at n = 300,000), which
    /// Rayleigh–Ritz read as Ritz values up to 1.0003 for eigenvalue 1, and as residuals |1 − θ| that kept exact
    /// eigenvectors from converging. On a block this close to orthonormal one step restores it to float32 precision.
    /// </summary>
    private static void RestoreOrthonormality(Tensor q)
    {
        using var scope = NewDisposeScope();
        var gram = SubspaceEigensolver.Projection(q, q);
        var upper = linalg.cholesky(gram).t();
        var inverse = linalg.solve_triangular(upper, eye(upper.shape[0], dtype: ScalarType.Float64), upper: true);
        RotateInPlace(q, inverse.to_type(ScalarType.Float32).contiguous());
    }

    /// <summary>X ← X·R, a row chunk at a time (each row's result needs only that row), chunks on the caller's count of .NET threads.</summary>
    private static void RotateInPlace(Tensor x, Tensor rotation)
    {
        long n = x.shape[0];
        int chunks = (int)((n + SubspaceEigensolver.RowChunk - 1) / SubspaceEigensolver.RowChunk);
        TorchThreads.For(chunks, chunk =>
        {
            long start = (long)chunk * SubspaceEigensolver.RowChunk;
            using var rows = x.narrow(0, start, Math.Min(SubspaceEigensolver.RowChunk, n - start));
            using var rotated = mm(rows, rotation);
            rows.copy_(rotated);
        });
    }

    /// <summary>
    /// p_m(M)·X with p_m(t) = T_m((t − c)/e), c ± e = [bottom, upper], by Y_{j+1} = (2/e)(M − c)Y_j − Y_{j−1} written over
    /// Y_{j−1}: the two blocks given (X and M·X) and nothing more. Columns are rescaled as they grow (the recurrence is linear
    /// per column) and kept orthogonal to the known top vector. Consumes both blocks; returns the one that holds the result.
    /// </summary>
    private Tensor ChebyshevFilter(Tensor x, Tensor mx, Tensor top, int degree, double bottom, double upper)
    {
        float e = (float)((upper - bottom) / 2), c = (float)((upper + bottom) / 2);
        using Scalar minusCentre = -c, inverseHalfWidth = 1 / e;
        var previous = x;
        var current = mx.add_(x, minusCentre).mul_(inverseHalfWidth);
        for (int j = 2; j <= degree; j++)
        {
            matrix.ChebyshevStep(current, previous, c, 2 / e);
            var next = previous;
            SubspaceEigensolver.ProjectOut(next, top);
            SubspaceEigensolver.ScaleByColumnNormsOf(next, current);
            previous = current;
            current = next;
        }
        previous.Dispose();
        return current;
    }
}
