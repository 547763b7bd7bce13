using QuantaDiscovery.Common;
namespace QuantaDiscovery.Fit;

/// <summary>A percentile confidence interval from bootstrap replicates.</summary>
/// <param name="Lower">the (1 − level)/2 quantile of the replicates</param>
/// <param name="Upper">the (1 + level)/2 quantile of the replicates</param>
/// <param name="Mean">the replicates' mean (NaN when not from replicates)</param>
/// <param name="StandardDeviation">the replicates' standard deviation, the bootstrap standard error (NaN when not from replicates)</param>
public sealed record ConfidenceInterval(double Lower, double Upper, double Level, double Mean = double.NaN, double StandardDeviation = double.NaN);

/// <summary>
/// Percentile bootstrap (Efron &amp; Tibshirani 1993, ch. 13): refit on resamples drawn with replacement and take
/// quantiles of the refitted parameters. Each replicate has its own generator seeded from (seed, replicate), so the
/// result does not depend on thread scheduling.
/// </summary>
public static class Bootstrap
{
    /// <summary>
    /// Runs <paramref name="replicates"/> resamples in parallel. <paramref name="statistic"/> gets a fresh generator and
    /// returns the parameters of one refit, or null when that resample cannot be fitted (e.g. all x equal: the fits'
    /// <c>Try…</c> forms); such replicates are left out and counted in <see cref="BootstrapResult.Failed"/>.
    /// </summary>
    public static BootstrapResult Run(int replicates, int seed, double level, Func<Random, double[]?> statistic)
    {
        if (replicates < 1) throw InputException.Invalid(nameof(replicates), replicates, "need at least one replicate");
        if (!(level > 0 && level < 1)) throw InputException.Invalid(nameof(level), level, "level must lie in (0, 1)");
        var samples = new double[]?[replicates];
        Parallel.For(0, replicates, r =>
        {
            var random = new Random(unchecked(seed * 1_000_003 + r));
            samples[r] = statistic(random);
        });
        var succeeded = samples.Where(s => s is not null).Select(s => s!).ToArray();
        int parameters = succeeded.Length == 0 ? 0 : succeeded[0].Length;
        var intervals = new ConfidenceInterval[parameters];
        for (int k = 0; k < parameters; k++)
        {
            var column = succeeded.Select(s => s[k]).Where(double.IsFinite).OrderBy(v => v).ToArray();
            double mean = column.Length == 0 ? double.NaN : column.Average();
            double deviation = column.Length < 2 ? double.NaN : Math.Sqrt(column.Sum(v => (v - mean) * (v - mean)) / (column.Length - 1));
            intervals[k] = new ConfidenceInterval(Quantile(column, (1 - level) / 2), Quantile(column, (1 + level) / 2), level, mean, deviation);
        }
        return new BootstrapResult(intervals, replicates, replicates - succeeded.Length, seed);
    }

    /// <summary>Indices 0..n−1 drawn uniformly with replacement.</summary>
    public static int[] ResampleIndices(Random random, int n)
    {
        var indices = new int[n];
        for (int i = 0; i < n; i++) indices[i] = random.Next(n);
        return indices;
    }

    /// <summary>Linear interpolation between order statistics (NumPy's default "linear" method).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double probability)
    {
        if (sorted.Count == 0) return double.NaN;
        double position = probability * (sorted.Count - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}

/// <param name="Intervals">one interval per parameter, in the order the statistic returns them</param>
/// <param name="Failed">replicates whose resample could not be fitted</param>
public sealed record BootstrapResult(IReadOnlyList<ConfidenceInterval> Intervals, int Replicates, int Failed, int Seed);
