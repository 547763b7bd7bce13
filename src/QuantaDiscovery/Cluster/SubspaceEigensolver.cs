using TorchSharp;
using static TorchSharp.torch;
using static QuantaDiscovery.Common.Scalars;

namespace QuantaDiscovery.Cluster;

/// <summary>
/// The <paramref name="wanted"/> largest eigenpairs of a symmetric float32 matrix M whose spectrum lies in
/// [−1, 1] (here D^(−1/2) A′ D^(−1/2)), by Chebyshev-filtered subspace iteration with Rayleigh–Ritz and
/// locking (Zhou &amp; Saad 2007; Saad, "Numerical Methods for Large Eigenvalue Problems", 2nd ed., §7.4).
/// Each sweep multiplies a block of k + guard vectors by p(M), a Chebyshev polynomial that is bounded by 1
/// on [lower, θ_last] (the unwanted end of the spectrum) and grows fast above it; converged leading Ritz
/// pairs are locked and projected out, so later sweeps work on a smaller block and are not swamped by the
/// dominant eigenvector (μ = 1 for a connected graph). The degree is chosen so that within one column the
/// largest and smallest wanted eigenvalues are amplified by at most 10³ relative to each other, which keeps
/// float32 products from washing out the small ones.
/// </summary>
/// <param name="knownTop">an eigenvector of M for its largest eigenvalue 1, if known: it is locked from the start</param>
/// <param name="matrix">M, which the solver only multiplies by (dense or sparse)</param>
internal sealed class SubspaceEigensolver(NormalisedAffinity matrix, int wanted, SpectralEmbeddingOptions options, Tensor? knownTop = null)
{
    private const double MaxAmplificationSpread = 1e3;
    private const int MaxDegree = 12;
    private const int LanczosSteps = 40;

    private readonly int _n = matrix.Size;

    public SpectralEmbedding.EigenResult Solve()
    {
        var random = new Random(options.Seed);
        int guard = Math.Max(16, wanted / 5);
        var locked = empty(_n, 0, ScalarType.Float32);
        var lockedValues = new List<double>();
        if (knownTop is not null)
        {
            locked = knownTop.div(knownTop.pow(Two).sum().sqrt()).to_type(ScalarType.Float32).reshape(_n, 1);
            lockedValues.Add(1.0);
            if (wanted == 1)
                return new SpectralEmbedding.EigenResult(locked, [1.0], 0, 0, true);
        }
        double lower = LowerSpectrumBound(random, locked);
        double lockedResidual = 0;
        double? tolerance = null;
        var block = Orthonormalise(RandomBlock(Math.Min(wanted + guard, _n), random), locked);
        for (int iteration = 1; ; iteration++)
        {
            using var sweep = NewDisposeScope();
            var product = matrix.Multiply(block);
            var (theta, ritzVectors, ritzProducts) = RayleighRitz(block, product);
            var residuals = ritzProducts.sub(ritzVectors.mul(tensor(theta.Select(t => (float)t).ToArray()).unsqueeze(0)))
                .pow(Two).sum(0, keepdim: false).sqrt().to_type(ScalarType.Float64).data<double>().ToArray();

            int need = wanted - lockedValues.Count;
            // The tolerance is relative to the width of the spectrum below the known top eigenvalue, fixed at the first sweep.
            tolerance ??= options.Tolerance * Math.Max(theta[0] - lower, 1e-12);
            int converged = 0;
            while (converged < need && converged < theta.Length && residuals[converged] <= tolerance)
                converged++;
            if (converged > 0)
            {
                var previouslyLocked = locked;
                locked = cat([locked, ritzVectors.narrow(1, 0, converged)], 1).MoveToOuterDisposeScope();
                previouslyLocked.Dispose();
                lockedValues.AddRange(theta.Take(converged));
                lockedResidual = Math.Max(lockedResidual, residuals.Take(converged).Max());
                need -= converged;
            }
            if (need == 0 || iteration >= options.MaxIterations)
            {
                // Unconverged at the cap: the best current Ritz pairs fill the remaining places.
                var vectors = cat([locked, ritzVectors.narrow(1, converged, need)], 1);
                var values = lockedValues.Concat(theta.Skip(converged).Take(need)).ToArray();
                double maxResidual = need == 0 ? lockedResidual : Math.Max(lockedResidual, residuals.Skip(converged).Take(need).Max());
                var order = Enumerable.Range(0, wanted).OrderByDescending(i => values[i]).ToArray();
                var sorted = vectors.index_select(1, tensor(order.Select(i => (long)i).ToArray())).MoveToOuterDisposeScope();
                return new SpectralEmbedding.EigenResult(sorted, order.Select(i => values[i]).ToArray(), iteration,
                    maxResidual, need == 0);
            }

            int keep = Math.Min(Math.Min(need + guard, _n - lockedValues.Count), theta.Length - converged);
            var active = ritzVectors.narrow(1, converged, keep);
            var activeProduct = ritzProducts.narrow(1, converged, keep);
            double upper = theta[converged + keep - 1];
            double top = theta[converged], lastWanted = theta[converged + need - 1];
            // The damped interval [bottom, upper] must not be empty; its floor is relative to the unresolved width.
            double bottom = Math.Min(lower, upper - 1e-2 * Math.Max(top - lower, 1e-12));
            var filtered = ChebyshevFilter(active, activeProduct, locked, Degree(bottom, upper, top, lastWanted), bottom, upper);
            block.Dispose();
            block = Orthonormalise(filtered, locked).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Ritz values (descending), Ritz vectors and their products with M for the orthonormal block.</summary>
    private static (double[] Theta, Tensor Vectors, Tensor Products) RayleighRitz(Tensor block, Tensor product)
    {
        var projected = mm(block.t(), product).to_type(ScalarType.Float64);
        projected = projected.add(projected.t(), One).mul_(OneHalf);
        var (values, vectors) = linalg.eigh(projected);
        var rotation = vectors.flip(1).to_type(ScalarType.Float32);
        var theta = values.flip(0).data<double>().ToArray();
        return (theta, mm(block, rotation), mm(product, rotation));
    }

    /// <summary>
    /// p_m(M)·X with p_m(t) = T_m((t − c)/e), c ± e = [bottom, upper], by the three-term recurrence
    /// Y_{j+1} = (2/e)(M − c)Y_j − Y_{j−1}. Columns are rescaled as they grow (the recurrence is linear per
    /// column, so scaling Y_j and Y_{j+1} together changes no direction) and kept orthogonal to the locked vectors.
    /// </summary>
    private Tensor ChebyshevFilter(Tensor x, Tensor mx, Tensor locked, int degree, double bottom, double upper)
    {
        float e = (float)((upper - bottom) / 2);
        using Scalar centre = (float)((upper + bottom) / 2), inverseHalfWidth = 1 / e, twiceInverseHalfWidth = 2 / e;
        using Scalar tiny = 1e-30f;
        var previous = x;
        var current = mx.sub(x.mul(centre)).mul_(inverseHalfWidth);
        for (int j = 2; j <= degree; j++)
        {
            // Each step's temporaries (n × b each) are freed at once, and so is the Y_{j−1} it retires: at 100,000 samples a
            // block is 200 MB, too much to let a sweep's dozens of them wait for the sweep's scope.
            Tensor next;
            using (var step = NewDisposeScope())
            {
                next = matrix.Multiply(current).sub_(current.mul(centre)).mul_(twiceInverseHalfWidth).sub_(previous);
                next = ProjectOut(next, locked);
                var scale = next.pow(Two).sum(0, keepdim: true).sqrt_().clamp_min_(tiny).reciprocal_();
                current.mul_(scale);
                next.mul_(scale).MoveToOuterDisposeScope();
            }
            if (!ReferenceEquals(previous, x)) previous.Dispose();
            previous = current;
            current = next;
        }
        return current;
    }

    /// <summary>
    /// The largest degree m ≤ 12 for which T_m at the top wanted Ritz value exceeds T_m at the last wanted
    /// one by at most 10³ (T_m(t) ≈ cosh(m·arccosh t) for t &gt; 1).
    /// </summary>
    private static int Degree(double bottom, double upper, double top, double lastWanted)
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
    private double LowerSpectrumBound(Random random, Tensor locked)
    {
        using var scope = NewDisposeScope();
        int steps = Math.Min(LanczosSteps, _n);
        var basis = zeros(_n, steps, ScalarType.Float32);
        var q = ProjectOut(RandomBlock(1, random), locked).squeeze(1);
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

    private Tensor RandomBlock(int columns, Random random)
    {
        var values = new float[(long)_n * columns];
        for (long i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return tensor(values).reshape(_n, columns);
    }

    private static Tensor ProjectOut(Tensor x, Tensor locked) =>
        locked.shape[1] == 0 ? x : x.sub_(mm(locked, mm(locked.t(), x)));

    /// <summary>An orthonormal basis of span(X) orthogonal to the locked vectors (two passes of project + QR).</summary>
    private static Tensor Orthonormalise(Tensor x, Tensor locked)
    {
        var q = x;
        for (int pass = 0; pass < 2; pass++)
            q = linalg.qr(ProjectOut(q.clone(), locked)).Q;
        return q;
    }
}
