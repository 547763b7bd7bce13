namespace QuantaDiscovery.Fit;

/// <summary>Rank-frequency (Zipf) fits over a column of counts or sizes.</summary>
public static class ZipfFit
{
    /// <summary>
    /// Sorts <paramref name="counts"/> in descending order, gives the largest rank 1, and fits count ∝ rank^(−α) in
    /// log-log space over ranks <paramref name="firstRank"/>..<paramref name="lastRank"/> inclusive (the paper fits
    /// the sizes of its quanta clusters over ranks 100–1000).
    /// </summary>
    /// <exception cref="ArgumentException">the rank range is empty or past the values, or a value in it is not positive</exception>
    public static PowerLawFitResult RankFrequency(ReadOnlySpan<double> counts, int firstRank, int lastRank)
    {
        if (firstRank < 1 || lastRank < firstRank)
            throw new ArgumentException($"rank range {firstRank}:{lastRank} is empty or starts below rank 1");
        if (lastRank > counts.Length)
            throw new ArgumentException($"rank range {firstRank}:{lastRank} goes past the {counts.Length} values given");
        var (ranks, values) = RankRange(counts, firstRank, lastRank);
        for (int i = 0; i < values.Length; i++)
            if (!(values[i] > 0))
                throw new ArgumentException($"the value at rank {firstRank + i} is {values[i]}: a log-log fit needs positive counts");
        return PowerLawFit.LogLog(ranks, values);
    }

    /// <summary><see cref="RankFrequency"/>, or null where it would refuse the counts: for refits on resamples.</summary>
    public static PowerLawFitResult? TryRankFrequency(ReadOnlySpan<double> counts, int firstRank, int lastRank)
    {
        if (firstRank < 1 || lastRank < firstRank || lastRank > counts.Length) return null;
        var (ranks, values) = RankRange(counts, firstRank, lastRank);
        return PowerLawFit.TryLogLog(ranks, values);
    }

    /// <summary>Ranks firstRank..lastRank and the values at them, the counts sorted in descending order.</summary>
    private static (double[] Ranks, double[] Values) RankRange(ReadOnlySpan<double> counts, int firstRank, int lastRank)
    {
        var sorted = SortedDescending(counts);
        int n = lastRank - firstRank + 1;
        var ranks = new double[n];
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            ranks[i] = firstRank + i;
            values[i] = sorted[firstRank - 1 + i];
        }
        return (ranks, values);
    }

    public static double[] SortedDescending(ReadOnlySpan<double> counts)
    {
        var sorted = counts.ToArray();
        Array.Sort(sorted, (p, q) => q.CompareTo(p));
        return sorted;
    }
}
