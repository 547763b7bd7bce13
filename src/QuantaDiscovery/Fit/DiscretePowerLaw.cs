using MathNet.Numerics.Optimization;

namespace QuantaDiscovery.Fit;

/// <summary>A discrete power law p(x) = x^(−α) / ζ(α, x_min) for integers x ≥ x_min, fitted by maximum likelihood.</summary>
/// <param name="Alpha">the maximum-likelihood exponent</param>
/// <param name="AlphaStandardError">1 / sqrt(n · d²ln ζ(α, x_min)/dα²), from the Fisher information</param>
/// <param name="XMin">the lower bound of the power-law tail</param>
/// <param name="TailCount">number of observations ≥ x_min</param>
/// <param name="KolmogorovSmirnov">the largest distance between the empirical and fitted CDFs of the tail</param>
/// <param name="LogLikelihood">log-likelihood of the tail at <paramref name="Alpha"/></param>
public sealed record DiscretePowerLawResult(double Alpha, double AlphaStandardError, long XMin, int TailCount,
    double KolmogorovSmirnov, double LogLikelihood);

/// <summary>
/// Clauset, Shalizi &amp; Newman (2009), "Power-law distributions in empirical data", SIAM Review 51(4):661–703:
/// the exact discrete maximum-likelihood estimator (their eq. 3.5) with its standard error (eq. 3.6), and the choice of
/// x_min that minimises the Kolmogorov–Smirnov distance between the tail and the fit (their §3.3).
/// </summary>
public static class DiscretePowerLaw
{
    private const double MinAlpha = 1.0 + 1e-6, MaxAlpha = 20.0;

    /// <summary>Fits α with the tail starting at <paramref name="xMin"/>, or at the x_min chosen by KS distance when null.</summary>
    /// <param name="minimumTail">when choosing x_min, the fewest observations a candidate tail may hold</param>
    public static DiscretePowerLawResult Fit(IEnumerable<long> values, long? xMin = null, int minimumTail = 10)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0)
            throw new ArgumentException("a discrete power law needs at least one observation");
        Array.Sort(sorted);
        if (sorted[0] < 1)
            throw new ArgumentException($"a discrete power law needs integers ≥ 1, got {sorted[0]}");
        if (xMin is { } fixedMin)
            return FitTail(sorted, fixedMin);

        DiscretePowerLawResult? best = null;
        foreach (var candidate in sorted.Distinct())
        {
            int tail = sorted.Length - LowerBound(sorted, candidate);
            if (tail < Math.Max(2, minimumTail)) break;
            var fit = FitTail(sorted, candidate);
            if (best is null || fit.KolmogorovSmirnov < best.KolmogorovSmirnov) best = fit;
        }
        return best ?? FitTail(sorted, sorted[0]);
    }

    private static DiscretePowerLawResult FitTail(long[] sorted, long xMin)
    {
        if (xMin < 1) throw new ArgumentException($"x_min must be ≥ 1, got {xMin}");
        int start = LowerBound(sorted, xMin);
        var tail = sorted.AsSpan(start);
        int n = tail.Length;
        if (n < 2)
            throw new ArgumentException($"only {n} observation(s) are ≥ x_min = {xMin}; the exponent is undetermined");
        if (tail[0] == tail[^1])
            throw new ArgumentException($"every observation ≥ x_min = {xMin} equals {tail[0]}; the exponent is undetermined");
        double sumLog = 0;
        foreach (var v in tail) sumLog += Math.Log(v);
        double q = xMin;
        double NegativeLogLikelihood(double alpha) =>
            alpha > 1 ? n * Math.Log(HurwitzZeta.Value(alpha, q)) + alpha * sumLog : double.PositiveInfinity;

        var objective = ObjectiveFunction.ScalarValue(NegativeLogLikelihood);
        var minimum = GoldenSectionMinimizer.Minimum(objective, MinAlpha, MaxAlpha, xTolerance: 1e-10,
            maxIterations: 10_000, maxExpansionSteps: 0);
        double alpha = minimum.MinimizingPoint;

        const double h = 1e-4;
        double curvature = (Math.Log(HurwitzZeta.Value(alpha + h, q)) - 2 * Math.Log(HurwitzZeta.Value(alpha, q))
                            + Math.Log(HurwitzZeta.Value(alpha - h, q))) / (h * h);
        double standardError = 1 / Math.Sqrt(n * curvature);

        // KS distance: the fitted CDF P(X ≤ x) = 1 − ζ(α, x + 1) / ζ(α, x_min) against the empirical CDF at each value.
        double normaliser = HurwitzZeta.Value(alpha, q);
        double ks = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j < n && tail[j] == tail[i]) j++;
            double empirical = (double)j / n;
            double model = 1 - HurwitzZeta.Value(alpha, tail[i] + 1) / normaliser;
            ks = Math.Max(ks, Math.Abs(empirical - model));
            i = j;
        }
        return new DiscretePowerLawResult(alpha, standardError, xMin, n, ks, -NegativeLogLikelihood(alpha));
    }

    private static int LowerBound(long[] sorted, long value)
    {
        int index = Array.BinarySearch(sorted, value);
        if (index < 0) return ~index;
        while (index > 0 && sorted[index - 1] == value) index--;
        return index;
    }
}

/// <summary>The Hurwitz zeta function ζ(s, q) = Σ_{k≥0} (k + q)^(−s) for s &gt; 1, q &gt; 0.</summary>
public static class HurwitzZeta
{
    // B_{2j} / (2j)! for j = 1..7: the Euler–Maclaurin correction coefficients.
    private static readonly double[] BernoulliOverFactorial =
    [
        1.0 / 6 / 2, -1.0 / 30 / 24, 1.0 / 42 / 720, -1.0 / 30 / 40320, 5.0 / 66 / 3628800,
        -691.0 / 2730 / 479001600, 7.0 / 6 / 87178291200,
    ];

    /// <summary>Direct sum of the first terms, then the Euler–Maclaurin tail; relative error near 1e-15 for s ≤ 20.</summary>
    public static double Value(double s, double q)
    {
        if (!(s > 1)) throw new ArgumentOutOfRangeException(nameof(s), s, "ζ(s, q) needs s > 1");
        if (!(q > 0)) throw new ArgumentOutOfRangeException(nameof(q), q, "ζ(s, q) needs q > 0");
        const int direct = 16;
        double sum = 0;
        for (int k = 0; k < direct; k++) sum += Math.Pow(q + k, -s);
        double a = q + direct;
        sum += Math.Pow(a, 1 - s) / (s - 1) + 0.5 * Math.Pow(a, -s);
        double rising = s; // s(s+1)…(s+2j−2)
        double power = Math.Pow(a, -s - 1);
        for (int j = 0; j < BernoulliOverFactorial.Length; j++)
        {
            sum += BernoulliOverFactorial[j] * rising * power;
            rising *= (s + 2 * j + 1) * (s + 2 * j + 2);
            power /= a * a;
        }
        return sum;
    }
}
