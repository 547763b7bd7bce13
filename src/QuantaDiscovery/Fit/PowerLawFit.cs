using QuantaDiscovery.Common;

namespace QuantaDiscovery.Fit;

/// <summary>y = a·x^(−α), fitted by ordinary least squares of ln y on ln x.</summary>
/// <param name="Alpha">the exponent α (the slope of ln y against ln x is −α)</param>
/// <param name="Amplitude">a</param>
/// <param name="AlphaStandardError">standard error of α from the regression (NaN with two points)</param>
/// <param name="RSquared">coefficient of determination in log-log space</param>
/// <param name="Points">number of points fitted</param>
public sealed record PowerLawFitResult(double Alpha, double Amplitude, double AlphaStandardError, double RSquared, int Points)
{
    public double Predict(double x) => Amplitude * Math.Pow(x, -Alpha);
}

public static class PowerLawFit
{
    /// <summary>
    /// The fit the paper uses for L(N) and L(S): a straight line in log-log space
    /// (equivalent to <c>numpy.polyfit(np.log(x), np.log(y), 1)</c>).
    /// </summary>
    public static PowerLawFitResult LogLog(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"x has {x.Length} values but y has {y.Length}");
        if (x.Length < 2)
            throw new ArgumentException($"a power-law fit needs at least 2 points, got {x.Length}");
        int n = x.Length;
        var lx = new double[n];
        var ly = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (!(x[i] > 0) || !(y[i] > 0) || !double.IsFinite(x[i]) || !double.IsFinite(y[i]))
                throw new ArgumentException($"point {i} is ({x[i]}, {y[i]}): a log-log fit needs finite positive x and y");
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
            throw new ArgumentException("all x values are equal: the exponent is undetermined");
        double slope = sxy / sxx;
        double intercept = meanY - slope * meanX;
        double residual = Math.Max(0, syy - slope * sxy);
        double rSquared = syy == 0 ? 1 : 1 - residual / syy;
        double slopeError = n > 2 ? Math.Sqrt(residual / (n - 2) / sxx) : double.NaN;
        return new PowerLawFitResult(-slope, Math.Exp(intercept), slopeError, rSquared, n);
    }
}
