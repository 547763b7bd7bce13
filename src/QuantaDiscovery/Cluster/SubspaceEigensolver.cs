using QuantaDiscovery.Common;
using TorchSharp;
using static TorchSharp.torch;
using static QuantaDiscovery.Common.Scalars;

namespace QuantaDiscovery.Cluster;

/// <summary>
/// The <paramref name="wanted"/> largest eigenpairs of a symmetric float32 matrix M whose spectrum lies in
/// [−1, 1] (here D^(−1/2) A′ D^(−1/2)), by Chebyshev-filtered subspace iteration with Rayleigh–Ritz and
/// locking (Zhou &amp; Saad 2007; Saad, "Numerical Methods for Large Eigenvalue Problems", 2nd ed., §7.4).
/// Each sweep multiplies a block of vectors by p(M), a Chebyshev polynomial that is bounded by 1 on
/// [lower, θ_last] (the unwanted end of the spectrum) and grows fast above it; converged leading Ritz pairs are
/// locked and projected out, so later sweeps are not swamped by the dominant eigenvector (μ = 1 for a connected
/// graph). The block is a sliding window: at most <see cref="BlockColumns"/> wanted columns plus guard vectors,
/// refilled with fresh random columns as its leading pairs lock, so the memory is the n × K locked vectors plus a
/// few n × (256 + guard) blocks whatever K is. The degree is chosen so that within one column the largest and
/// smallest wanted eigenvalues of the window are amplified by at most 10³ relative to each other, which keeps
/// float32 products from washing out the small ones.
/// </summary>
/// <param name="knownTop">an eigenvector of M for its largest eigenvalue 1, if known: it is locked from the start</param>
/// <param name="matrix">M, which the solver only multiplies by (dense or sparse)</param>
internal sealed class SubspaceEigensolver(NormalisedAffinity matrix, int wanted, SpectralEmbeddingOptions options, Tensor? knownTop = null)
{
    /// <summary>Wanted columns in the sliding window; the guard vectors come on top.</summary>
    public const int BlockColumns = 256;

    /// <summary>Guard vectors beside a window of <paramref name="windowColumns"/> wanted ones.</summary>
    public static int GuardColumns(int windowColumns) => Math.Max(16, windowColumns / 5);

    private const double MaxAmplificationSpread = 1e3;
    private const int MaxDegree = 12;
    private const int LanczosSteps = 40;
    /// <summary>Rows per chunk of the n-row passes: 4,096 × (256 + 51) float32 is 5 MB, below glibc's 8 MiB mapping threshold (<c>quanta cluster</c>).</summary>
    internal const int RowChunk = 1 << 12;

    private readonly int _n = matrix.Size;
    private readonly int _window = options.WindowColumns;

    public SpectralEmbedding.EigenResult Solve()
    {
        var random = new Random(options.Seed);
        int guard = GuardColumns(Math.Min(wanted, _window));
        // The only n × K tensor: locked vectors fill its leading columns.
        var lockedStore = zeros(_n, wanted, ScalarType.Float32);
        int lockedCount = 0;
        var lockedValues = new List<double>();
        Tensor Locked() => lockedStore.narrow(1, 0, lockedCount);
        if (knownTop is not null)
        {
            lockedStore.narrow(1, 0, 1).copy_(knownTop.div(knownTop.pow(Two).sum().sqrt()).to_type(ScalarType.Float32).reshape(_n, 1));
            lockedCount = 1;
            lockedValues.Add(1.0);
            if (wanted == 1)
                return new SpectralEmbedding.EigenResult(lockedStore, [1.0], 0, 0, true);
        }
        double lower = LowerSpectrumBound(matrix, random, Locked());
        double maxResidual = 0;
        bool allConverged = true;
        double spectrumTop = double.NegativeInfinity;
        var block = Orthonormalise(RandomBlock(_n, Width(wanted - lockedCount, guard, lockedCount), random), Locked());
        int sweepsWithoutLocking = 0;
        for (int iteration = 1; ; iteration++)
        {
            using var sweep = NewDisposeScope();
            var (theta, ritzVectors, ritzProducts) = RayleighRitz(block, matrix.Multiply(block));
            block.Dispose();
            var residuals = ResidualNorms(ritzVectors, ritzProducts, theta);

            int need = wanted - lockedCount;
            if (lockedCount == (knownTop is null ? 0 : 1)) spectrumTop = Math.Max(spectrumTop, theta[0]);
            double tolerance = ResidualTolerance(options, spectrumTop, lower);
            int converged = 0;
            while (converged < need && converged < theta.Length && residuals[converged] <= tolerance)
                converged++;
            sweepsWithoutLocking = converged > 0 ? 0 : sweepsWithoutLocking + 1;
            if (sweepsWithoutLocking >= options.MaxIterations)
            {
                // Stalled at the cap: the window's best current Ritz pairs are accepted as they are.
                int forced = Math.Min(Math.Min(need, _window), theta.Length);
                maxResidual = Math.Max(maxResidual, residuals.Take(forced).Max());
                allConverged = false;
                converged = forced;
                sweepsWithoutLocking = 0;
            }
            if (converged > 0)
            {
                using (NewDisposeScope())
                    lockedStore.narrow(1, lockedCount, converged).copy_(ritzVectors.narrow(1, 0, converged));
                lockedCount += converged;
                lockedValues.AddRange(theta.Take(converged));
                maxResidual = Math.Max(maxResidual, residuals.Take(converged).Max());
                need -= converged;
            }
            if (need == 0)
            {
                var order = Enumerable.Range(0, wanted).OrderByDescending(i => lockedValues[i]).ToArray();
                PermuteColumns(lockedStore, order);
                return new SpectralEmbedding.EigenResult(lockedStore, order.Select(i => lockedValues[i]).ToArray(), iteration,
                    maxResidual, allConverged);
            }

            int width = Width(need, guard, lockedCount);
            int keep = Math.Min(width, theta.Length - converged);
            double upper = theta[keep > 0 ? converged + keep - 1 : theta.Length - 1];
            double top = theta[Math.Min(converged, theta.Length - 1)];
            double lastWanted = theta[Math.Min(converged + Math.Min(need, _window), theta.Length) - 1];
            // The damped interval [bottom, upper] must not be empty; its floor is relative to the unresolved width.
            double bottom = Math.Min(lower, upper - 1e-2 * Math.Max(top - lower, 1e-12));
            var (x, mx) = NextWindow(ritzVectors, ritzProducts, converged, keep, width, random);
            int degree = Degree(bottom, upper, top, lastWanted);
            options.Progress?.Report(new EigenProgress(iteration, lockedCount, wanted, degree));
            var filtered = ChebyshevFilter(x, mx, Locked(), degree, bottom, upper);
            block = Orthonormalise(filtered, Locked()).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Columns of the next window: up to the window's count (<see cref="BlockColumns"/>) of those still wanted, the guard, and no more than remain.</summary>
    private int Width(int need, int guard, int lockedCount) => Math.Min(Math.Min(need, _window) + guard, _n - lockedCount);

    /// <summary>
    /// The unconverged Ritz vectors <paramref name="converged"/>.. (<paramref name="keep"/> of them) and their products,
    /// topped up to <paramref name="width"/> columns with random vectors and theirs. The Ritz blocks are disposed.
    /// </summary>
    private (Tensor X, Tensor Mx) NextWindow(Tensor ritzVectors, Tensor ritzProducts, int converged, int keep, int width, Random random)
    {
        if (converged == 0 && keep == width && keep == ritzVectors.shape[1])
            return (ritzVectors, ritzProducts);
        var x = empty(_n, width, ScalarType.Float32);
        var mx = empty(_n, width, ScalarType.Float32);
        if (keep > 0)
        {
            // The views are disposed with this scope, so that they keep no Ritz block alive after its Dispose below.
            using var views = NewDisposeScope();
            x.narrow(1, 0, keep).copy_(ritzVectors.narrow(1, converged, keep));
            mx.narrow(1, 0, keep).copy_(ritzProducts.narrow(1, converged, keep));
        }
        ritzVectors.Dispose();
        ritzProducts.Dispose();
        if (width > keep)
        {
            using var fresh = NewDisposeScope();
            var extra = RandomBlock(_n, width - keep, random);
            x.narrow(1, keep, width - keep).copy_(extra);
            mx.narrow(1, keep, width - keep).copy_(matrix.Multiply(extra));
        }
        return (x, mx);
    }

    /// <summary>Ritz values (descending), Ritz vectors and their products with M for the orthonormal block; disposes the product.</summary>
    private static (double[] Theta, Tensor Vectors, Tensor Products) RayleighRitz(Tensor block, Tensor product)
    {
        using var scope = NewDisposeScope();
        var (values, vectors) = linalg.eigh(Projection(block, product));
        var rotation = vectors.flip(1).to_type(ScalarType.Float32);
        var theta = values.flip(0).data<double>().ToArray();
        var ritzVectors = mm(block, rotation).MoveToOuterDisposeScope();
        var ritzProducts = mm(product, rotation);
        product.Dispose();
        return (theta, ritzVectors, ritzProducts.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The symmetrised float64 Rayleigh–Ritz matrix Xᵀ(MX) (or the Gram matrix XᵀX): float32 products of row chunks, summed
    /// in float64, so that no float32 sum runs over more than RowChunk of the n rows and the error does not grow with n.
    /// Ritz values enter every residual ‖Mv − θv‖, and the tolerance is near 10⁻⁴.
    /// </summary>
    internal static Tensor Projection(Tensor block, Tensor product)
    {
        long n = block.shape[0], b = block.shape[1];
        int chunks = (int)((n + RowChunk - 1) / RowChunk);
        int groups = Math.Min(chunks, TorchThreads.Width);
        // Tensors made on the worker threads are outside the caller's dispose scope: each is disposed here.
        var sums = new Tensor[groups];
        TorchThreads.For(groups, group =>
        {
            var sum = zeros(b, b, ScalarType.Float64);
            for (int chunk = group; chunk < chunks; chunk += groups)
            {
                long start = (long)chunk * RowChunk, rows = Math.Min(RowChunk, n - start);
                using var x = block.narrow(0, start, rows);
                using var mx = product.narrow(0, start, rows);
                using var xt = x.t();
                using var partial = mm(xt, mx);
                sum.add_(partial);
            }
            sums[group] = sum;
        });
        using var projected = sums[0];
        for (int group = 1; group < groups; group++)
        {
            projected.add_(sums[group]);
            sums[group].Dispose();
        }
        return projected.add(projected.t(), One).mul_(OneHalf);
    }

    /// <summary>‖M v − θ v‖ per column, a few thousand rows at a time (no n × b temporary).</summary>
    internal static double[] ResidualNorms(Tensor vectors, Tensor products, double[] theta)
    {
        long n = vectors.shape[0];
        using var scope = NewDisposeScope();
        var thetas = tensor(theta.Select(t => (float)t).ToArray()).unsqueeze(0);
        var squares = zeros(theta.Length, ScalarType.Float64);
        for (long start = 0; start < n; start += RowChunk)
        {
            using var chunk = NewDisposeScope();
            long rows = Math.Min(RowChunk, n - start);
            squares.add_(products.narrow(0, start, rows).sub(vectors.narrow(0, start, rows).mul(thetas)).pow(Two).sum(0, type: ScalarType.Float64));
        }
        return squares.sqrt().data<double>().ToArray();
    }

    /// <summary>
    /// p_m(M)·X with p_m(t) = T_m((t − c)/e), c ± e = [bottom, upper], by the three-term recurrence
    /// Y_{j+1} = (2/e)(M − c)Y_j − Y_{j−1}, written over Y_{j−1}'s product in place: three n × b blocks at a time.
    /// Columns are rescaled as they grow (the recurrence is linear per column, so scaling Y_j and Y_{j+1} together
    /// changes no direction) and kept orthogonal to the locked vectors. Consumes <paramref name="x"/> and <paramref name="mx"/>.
    /// </summary>
    private Tensor ChebyshevFilter(Tensor x, Tensor mx, Tensor locked, int degree, double bottom, double upper)
    {
        float e = (float)((upper - bottom) / 2), c = (float)((upper + bottom) / 2);
        using Scalar minusCentre = -c, inverseHalfWidth = 1 / e, twiceInverseHalfWidth = 2 / e;
        var previous = x;
        var current = mx.add_(x, minusCentre).mul_(inverseHalfWidth);
        for (int j = 2; j <= degree; j++)
        {
            var next = matrix.Multiply(current);
            next.add_(current, minusCentre).mul_(twiceInverseHalfWidth).sub_(previous);
            previous.Dispose();
            ProjectOut(next, locked);
            ScaleByColumnNormsOf(next, current);
            previous = current;
            current = next;
        }
        previous.Dispose();
        return current;
    }

    /// <summary>Divides the columns of <paramref name="next"/> and <paramref name="current"/> by those of <paramref name="next"/>'s
    /// norms (both blocks alike, so the three-term recurrence stays a recurrence) to keep the filter within float32's range.</summary>
    internal static void ScaleByColumnNormsOf(Tensor next, Tensor current)
    {
        using var scope = NewDisposeScope();
        using Scalar tiny = 1e-30f;
        var scale = ColumnNorms(next).clamp_min_(tiny).reciprocal_();
        current.mul_(scale);
        next.mul_(scale);
    }

    internal static Tensor ColumnNorms(Tensor block)
    {
        long n = block.shape[0];
        var squares = zeros(1, block.shape[1], ScalarType.Float32);
        for (long start = 0; start < n; start += RowChunk)
        {
            using var chunk = NewDisposeScope();
            squares.add_(block.narrow(0, start, Math.Min(RowChunk, n - start)).pow(Two).sum(0, keepdim: true));
        }
        return squares.sqrt_();
    }

    /// <summary>
    /// The largest degree m ≤ 12 for which T_m at the top wanted Ritz value exceeds T_m at the last wanted
    /// one by at most 10³ (T_m(t) ≈ cosh(m·arccosh t) for t &gt; 1).
    /// </summary>
    /// <summary>
    /// The residual below which a pair is accepted: <see cref="SpectralEmbeddingOptions.Tolerance"/> × (μ₂ − λ_min), with μ₂
    /// estimated by the largest leading Ritz value seen so far (Ritz values bound eigenvalues from below, so this estimate
    /// only rises towards μ₂; the first Rayleigh–Ritz, on a random block, gives a value near 0) and λ_min by the Lanczos bound.
    /// </summary>
    internal static double ResidualTolerance(SpectralEmbeddingOptions options, double spectrumTop, double lower) =>
        options.Tolerance * Math.Max(spectrumTop - lower, 1e-12);

    internal static int Degree(double bottom, double upper, double top, double lastWanted)
    {
        double e = (upper - bottom) / 2, c = (upper + bottom) / 2;
        double tTop = (top - c) / e, tLast = (lastWanted - c) / e;
        if (tLast <= 1) return 4;
        double spread = Math.Acosh(tTop) - Math.Acosh(tLast);
        if (spread <= 0) return MaxDegree;
        return Math.Clamp((int)(Math.Log(MaxAmplificationSpread) / spread), 1, MaxDegree);
    }

    /// <summary>
    /// A lower bound of the spectrum of M restricted to the complement of the locked vectors: the smallest Ritz value of a
    /// Lanczos run with full reorthogonalisation, minus its residual bound and 1% of the Ritz range, and never below −1.
    /// Deflating the known top eigenvector (μ = 1) matters: for a dense affinity the rest of the spectrum lies within
    /// about ±10⁻² of 0, so a margin taken from a range that includes 1 would widen the filter's damped interval many
    /// times over, slowing every sweep and loosening the relative residual tolerance.
    /// </summary>
    internal static double LowerSpectrumBound(NormalisedAffinity matrix, Random random, Tensor locked)
    {
        using var scope = NewDisposeScope();
        int n = matrix.Size;
        int steps = Math.Min(LanczosSteps, n);
        var basis = zeros(n, steps, ScalarType.Float32);
        var q = ProjectOut(RandomBlock(n, 1, random), locked).squeeze(1);
        q.div_(q.pow(Two).sum().sqrt());
        var alpha = new double[steps];
        var beta = new double[steps];
        int m = steps;
        for (int j = 0; j < steps; j++)
        {
            basis.select(1, j).copy_(q);
            var w = ProjectOut(matrix.Multiply(q.unsqueeze(1)), locked).squeeze(1);
            alpha[j] = w.dot(q).item<float>();
            var done = basis.narrow(1, 0, j + 1);
            w.sub_(mv(done, mv(done.t(), w)));
            w.sub_(mv(done, mv(done.t(), w)));
            w = ProjectOut(w.unsqueeze(1), locked).squeeze(1);
            beta[j] = w.pow(Two).sum().sqrt().item<float>();
            if (beta[j] < 1e-6) { m = j + 1; break; }
            q = w.div(beta[j]);
        }
        var tridiagonal = new double[m * m];
        for (int j = 0; j < m; j++)
        {
            tridiagonal[j * m + j] = alpha[j];
            if (j + 1 < m) tridiagonal[j * m + j + 1] = tridiagonal[(j + 1) * m + j] = beta[j];
        }
        var (values, vectors) = linalg.eigh(tensor(tridiagonal).reshape(m, m));
        double smallest = values[0].item<double>(), largest = values[m - 1].item<double>();
        double residual = Math.Abs(beta[m - 1] * vectors[m - 1, 0].item<double>());
        return Math.Max(-1, smallest - residual - 0.01 * (largest - smallest));
    }

    internal static Tensor RandomBlock(long n, int columns, Random random)
    {
        var block = empty(n, columns, ScalarType.Float32);
        for (long start = 0; start < n; start += RowChunk)
        {
            using var chunk = NewDisposeScope();
            long rows = Math.Min(RowChunk, n - start);
            var values = new float[rows * columns];
            for (long i = 0; i < values.Length; i++)
                values[i] = (float)(random.NextDouble() * 2 - 1);
            block.narrow(0, start, rows).copy_(tensor(values).reshape(rows, columns));
        }
        return block;
    }

    /// <summary>x − L Lᵀ x in place (L the locked vectors).</summary>
    internal static Tensor ProjectOut(Tensor x, Tensor locked)
    {
        if (locked.shape[1] == 0) return x;
        using var coefficients = mm(locked.t(), x);
        return x.addmm_(locked, coefficients, beta: 1, alpha: -1);
    }

    /// <summary>An orthonormal basis of span(X) orthogonal to the locked vectors (two passes of project + QR); consumes X.</summary>
    internal static Tensor Orthonormalise(Tensor x, Tensor locked)
    {
        var q = x;
        for (int pass = 0; pass < 2; pass++)
        {
            ProjectOut(q, locked);
            var (basis, triangle) = linalg.qr(q);
            triangle.Dispose();
            q.Dispose();
            q = basis;
        }
        return q;
    }

    /// <summary>Column i of <paramref name="store"/> becomes its column order[i], one column of scratch at a time (cycle by cycle).</summary>
    private static void PermuteColumns(Tensor store, int[] order)
    {
        using var scope = NewDisposeScope();
        var done = new bool[order.Length];
        for (int start = 0; start < order.Length; start++)
        {
            if (done[start] || order[start] == start) { done[start] = true; continue; }
            using var saved = store.select(1, start).clone();
            int i = start;
            while (true)
            {
                done[i] = true;
                int source = order[i];
                if (source == start) { store.select(1, i).copy_(saved); break; }
                store.select(1, i).copy_(store.select(1, source));
                i = source;
            }
        }
    }
}
