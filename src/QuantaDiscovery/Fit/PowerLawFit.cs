using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace QuantaDiscovery.Fit;

/// <summary>y = a·x^(−α), fitted by ordinary least squares of ln y on ln x.</summary>
/// <param name="Alpha">the exponent α (the slope of ln y against ln x is −α)</param>
/// <param name="Amplitude">a</param>
/// <param name="AlphaStandardError">standard error of α from the regression (NaN with two points)</param>
/// <param name="RSquared">coefficient of determination in log-log space</param>
/// <param name="Points">number of points fitted</param>
/// <param name="AmplitudeStandardError">standard error of a, by the delta method from that of ln a (NaN with two points)</param>
public sealed record PowerLawFitResult(double Alpha, double Amplitude, double AlphaStandardError, double RSquared, int Points,
    double AmplitudeStandardError = double.NaN)
{
    public double Predict(double x) => Amplitude * Math.Pow(x, -Alpha);
}

/// <summary>y = a·x^(−α) + c, fitted by nonlinear least squares in linear space.</summary>
/// <param name="Offset">c, the irreducible part of y</param>
/// <param name="RSquared">coefficient of determination in linear space</param>
/// <param name="Iterations">Levenberg–Marquardt iterations used</param>
public sealed record PowerLawOffsetFitResult(double Alpha, double Amplitude, double Offset,
    double AlphaStandardError, double AmplitudeStandardError, double OffsetStandardError,
    double RSquared, int Points, int Iterations)
{
    public double Predict(double x) => Amplitude * Math.Pow(x, -Alpha) + Offset;
}

public static class PowerLawFit
{
    /// <summary>
    /// The fit the paper uses for L(N) and L(S): a straight line in log-log space
    /// (equivalent to <c>numpy.polyfit(np.log(x), np.log(y), 1)</c>; standard errors as
    /// <c>scipy.stats.linregress</c>, i.e. residual variance over n − 2).
    /// </summary>
    /// <exception cref="ArgumentException">the points cannot be fitted (see <see cref="TryLogLog"/>)</exception>
    public static PowerLawFitResult LogLog(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        CheckLengths(x, y, parameters: 2);
        return SolveLogLog(x, y, out var problem) ?? throw new ArgumentException(problem);
    }

    /// <summary>
    /// <see cref="LogLog"/>, or null where it would refuse the points (a non-positive or non-finite value, all x equal):
    /// for refits on resamples, some of which cannot be fitted.
    /// </summary>
    public static PowerLawFitResult? TryLogLog(ReadOnlySpan<double> x, ReadOnlySpan<double> y) =>
        x.Length == y.Length && x.Length >= 2 ? SolveLogLog(x, y, out _) : null;

    private static PowerLawFitResult? SolveLogLog(ReadOnlySpan<double> x, ReadOnlySpan<double> y, out string? problem)
    {
        problem = null;
        int n = x.Length;
        var lx = new double[n];
        var ly = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (!(x[i] > 0) || !(y[i] > 0) || !double.IsFinite(x[i]) || !double.IsFinite(y[i]))
            {
                problem = $"point {i} is ({x[i]}, {y[i]}): a log-log fit needs finite positive x and y";
                return null;
            }
            lx[i] = Math.Log(x[i]);
            ly[i] = Math.Log(y[i]);
        }
        double meanX = lx.Average(), meanY = ly.Average();
        double sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = lx[i] - meanX, dy = ly[i] - meanY;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (sxx == 0)
        {
            problem = "all x values are equal: the exponent is undetermined";
            return null;
        }
        double slope = sxy / sxx;
        double intercept = meanY - slope * meanX;
        double residual = Math.Max(0, syy - slope * sxy);
        double rSquared = syy == 0 ? 1 : 1 - residual / syy;
        double variance = n > 2 ? residual / (n - 2) : double.NaN;
        double slopeError = Math.Sqrt(variance / sxx);
        double interceptError = Math.Sqrt(variance * (1.0 / n + meanX * meanX / sxx));
        double amplitude = Math.Exp(intercept);
        return new PowerLawFitResult(-slope, amplitude, slopeError, rSquared, n, amplitude * interceptError);
    }

    /// <summary>
    /// y = a·x^(−α) + c by Levenberg–Marquardt (MathNet.Numerics), the form of the paper's L(N) = a·N^(−α_N) + c
    /// fits. Standard errors follow <c>scipy.optimize.curve_fit(..., absolute_sigma=False)</c>: the covariance
    /// (JᵀJ)⁻¹ at the optimum, scaled by the residual variance RSS / (n − 3).
    /// </summary>
    /// <param name="initial">starting (a, α, c); by default the best log-log fit of y − c over a grid of c below min y</param>
    /// <exception cref="ArgumentException">the points cannot be fitted (see <see cref="TryWithOffset"/>)</exception>
    public static PowerLawOffsetFitResult WithOffset(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        (double Amplitude, double Alpha, double Offset)? initial = null)
    {
        CheckLengths(x, y, parameters: 3);
        return SolveWithOffset(x, y, initial, out var problem) ?? throw new ArgumentException(problem);
    }

    /// <summary>
    /// <see cref="WithOffset"/>, or null where it would refuse the points (a non-positive x or non-finite value, fewer
    /// than 3 distinct x) or the fit diverges: for refits on resamples, some of which cannot be fitted.
    /// </summary>
    public static PowerLawOffsetFitResult? TryWithOffset(ReadOnlySpan<double> x, ReadOnlySpan<double> y) =>
        x.Length == y.Length && x.Length >= 3 ? SolveWithOffset(x, y, null, out _) : null;

    private static PowerLawOffsetFitResult? SolveWithOffset(ReadOnlySpan<double> x, ReadOnlySpan<double> y,
        (double Amplitude, double Alpha, double Offset)? initial, out string? problem)
    {
        problem = null;
        int n = x.Length;
        for (int i = 0; i < n; i++)
            if (!(x[i] > 0) || !double.IsFinite(x[i]) || !double.IsFinite(y[i]))
            {
                problem = $"point {i} is ({x[i]}, {y[i]}): a power law needs finite positive x and finite y";
                return null;
            }
        if (x.ToArray().Distinct().Count() < 3)
        {
            problem = "a power law with offset needs at least 3 distinct x values";
            return null;
        }

        var xs = Vector<double>.Build.DenseOfArray(x.ToArray());
        var ys = Vector<double>.Build.DenseOfArray(y.ToArray());
        var start = initial ?? InitialGuess(x, y);

        static Vector<double> Model(Vector<double> p, Vector<double> xv) =>
            xv.Map(v => p[0] * Math.Pow(v, -p[1]) + p[2]);
        static Matrix<double> Jacobian(Vector<double> p, Vector<double> xv)
        {
            var j = Matrix<double>.Build.Dense(xv.Count, 3);
            for (int i = 0; i < xv.Count; i++)
            {
                double power = Math.Pow(xv[i], -p[1]);
                j[i, 0] = power;
                j[i, 1] = -p[0] * Math.Log(xv[i]) * power;
                j[i, 2] = 1;
            }
            return j;
        }

        var objective = ObjectiveFunction.NonlinearModel(Model, Jacobian, xs, ys);
        var minimizer = new LevenbergMarquardtMinimizer(maximumIterations: 10_000);
        var result = minimizer.FindMinimum(objective,
            Vector<double>.Build.DenseOfArray([start.Amplitude, start.Alpha, start.Offset]));
        var p = result.MinimizingPoint;
        if (!p.All(double.IsFinite))
        {
            problem = $"the power-law-with-offset fit diverged ({result.ReasonForExit})";
            return null;
        }

        var residuals = ys - Model(p, xs);
        double rss = residuals.DotProduct(residuals);
        double mean = ys.Average();
        double tss = ys.Sum(v => (v - mean) * (v - mean));
        var standardErrors = new[] { double.NaN, double.NaN, double.NaN };
        if (n > 3)
        {
            var j = Jacobian(p, xs);
            var covariance = (j.TransposeThisAndMultiply(j)).Inverse() * (rss / (n - 3));
            for (int k = 0; k < 3; k++)
                standardErrors[k] = Math.Sqrt(covariance[k, k]);
        }
        return new PowerLawOffsetFitResult(p[1], p[0], p[2], standardErrors[1], standardErrors[0], standardErrors[2],
            tss == 0 ? 1 : 1 - rss / tss, n, result.Iterations);
    }

    private static (double Amplitude, double Alpha, double Offset) InitialGuess(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double minY = double.PositiveInfinity, maxY = double.NegativeInfinity;
        foreach (var v in y) { minY = Math.Min(minY, v); maxY = Math.Max(maxY, v); }
        double spread = Math.Max(maxY - minY, 1e-12 * Math.Max(1, Math.Abs(maxY)));
        var best = (Amplitude: 1.0, Alpha: 0.0, Offset: minY);
        double bestRss = double.PositiveInfinity;
        var shifted = new double[y.Length];
        // Offsets from well below the data up to just under its minimum; keep the one whose log-log fit of y − c fits best.
        for (int k = 0; k <= 40; k++)
        {
            double offset = minY - spread * Math.Pow(2, 6 - k * 0.3);
            for (int i = 0; i < y.Length; i++) shifted[i] = y[i] - offset;
            if (TryLogLog(x, shifted) is not { } fit) continue;
            double rss = 0;
            for (int i = 0; i < y.Length; i++)
            {
                double r = y[i] - (fit.Predict(x[i]) + offset);
                rss += r * r;
            }
            if (rss < bestRss) { bestRss = rss; best = (fit.Amplitude, fit.Alpha, offset); }
        }
        return best;
    }

    private static void CheckLengths(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int parameters)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"x has {x.Length} values but y has {y.Length}");
        if (x.Length < parameters)
            throw new ArgumentException($"a fit with {parameters} parameters needs at least {parameters} points, got {x.Length}");
    }
}
