namespace QuantaDiscovery.Plotting;

/// <summary><see cref="Count"/> equal-width bins over [<see cref="Low"/>, <see cref="High"/>); the last bin includes High.</summary>
public sealed record HistogramBins(double Low, double High, int Count)
{
    public double Width => (High - Low) / Count;
    public double Edge(int index) => Low + index * Width;
    public double Center(int index) => Low + (index + 0.5) * Width;
    public double[] Centers() => Enumerable.Range(0, Count).Select(Center).ToArray();

    /// <summary>The bin holding <paramref name="value"/>, −1 below the range, <see cref="Count"/> above it (and for NaN).</summary>
    public int IndexOf(double value)
    {
        if (value < Low) return -1;
        if (value == High) return Count - 1;
        if (!(value < High)) return Count;
        return Math.Min((int)((value - Low) / Width), Count - 1);
    }
}

/// <summary>Counts per bin, plus the values that fell outside the bins.</summary>
/// <param name="Total">every value offered, inside the bins or not</param>
public sealed record Histogram(HistogramBins Bins, long[] Counts, long Below, long Above, long Total)
{
    /// <summary>A probability density: count / (total · bin width), so Σ density · width = the share of values inside the bins.</summary>
    public double[] Density => Counts.Select(c => Total == 0 ? 0 : c / (Total * Bins.Width)).ToArray();

    public static Histogram Compute(IEnumerable<double> values, HistogramBins bins)
    {
        var counts = new long[bins.Count];
        long below = 0, above = 0, total = 0;
        foreach (var v in values)
        {
            total++;
            int index = bins.IndexOf(v);
            if (index < 0) below++;
            else if (index >= bins.Count) above++;
            else counts[index]++;
        }
        return new Histogram(bins, counts, below, above, total);
    }
}
