using System.Globalization;
using System.Text;
using System.Text.Json;
using MathNet.Numerics.Distributions;
using QuantaDiscovery.Common;
using QuantaDiscovery.Fit;
using QuantaDiscovery.Plotting;

namespace QuantaDiscovery.Report;

/// <summary>The sizes of the clusters of one clustering into <paramref name="K"/> clusters (empty clusters count as 0).</summary>
public sealed record ClusterSizes(int K, int[] Sizes)
{
    /// <summary>The sizes in descending order: element r − 1 is the size at rank r.</summary>
    public int[] Descending()
    {
        var sorted = (int[])Sizes.Clone();
        Array.Sort(sorted, (p, q) => q.CompareTo(p));
        return sorted;
    }
}

/// <summary>
/// The rank-frequency envelope of a sweep over K and its power-law fit.
/// </summary>
/// <param name="Envelope">element r − 1: the largest r-th largest cluster size over every K of the sweep</param>
/// <param name="Sweep">the clusterings the envelope is taken over, by increasing K</param>
/// <param name="FirstRank">first rank of the fit (1-based, inclusive)</param>
/// <param name="LastRank">last rank of the fit (inclusive)</param>
/// <param name="Fit">size ∝ rank^(−α) over the fit range; null when the range holds fewer than 3 ranks of positive size</param>
/// <param name="AlphaN">the scaling exponent α_N, when given</param>
/// <param name="AlphaNSource">where α_N came from: a summary.json path, or "given"</param>
/// <param name="SlopeInterval">normal bootstrap interval of the slope over resampled samples (<see cref="RankFrequency.BootstrapSlope"/>);
/// null when not computed or when too few replicates could be fitted</param>
public sealed record RankFrequencyResult(double[] Envelope, IReadOnlyList<ClusterSizes> Sweep, int FirstRank, int LastRank,
    PowerLawFitResult? Fit, double? AlphaN = null, string? AlphaNSource = null, SlopeBootstrap? SlopeInterval = null)
{
    /// <summary>The fitted log-log slope, −α.</summary>
    public double? Slope => Fit is null ? null : -Fit.Alpha;

    /// <summary>The slope the quantization model predicts from the scaling exponent: −(α_N + 1).</summary>
    public double? PredictedSlope => AlphaN is { } alphaN ? -(alphaN + 1) : null;
}

/// <summary>
/// The slope's normal bootstrap interval (Efron &amp; Tibshirani 1993, §13.2): the estimate ± z · <see cref="StandardError"/>,
/// the standard deviation of the slope over <see cref="Replicates"/> resamples, <see cref="Failed"/> of which could not be
/// fitted. Not the percentile interval: resampling adds counting noise to every cluster's size, and sorting noisy sizes
/// stretches the envelope, so the resampled slopes sit steeper than the estimate (by <see cref="Bias"/>, the replicates'
/// mean minus the estimate) and their percentiles need not hold it. The estimate carries a bias of the same kind at its
/// own sample size, as does the paper's at 10,000 tokens.
/// </summary>
public sealed record SlopeBootstrap(double Lower, double Upper, double Level, int Replicates, int Failed, int Seed,
    double StandardError, double Bias)
{
    public const string Method = "normal bootstrap interval: the slope ± z × its standard deviation over resamples of the samples (drawn with replacement; each K's labels held fixed)";
}

/// <summary>
/// Rank-frequency analysis of quanta clusters (Michaud et al. 2023, §5): for each K of a spectral-clustering sweep the cluster
/// sizes are sorted in descending order, and the envelope at rank r is the largest r-th size over all K. The quantization model
/// predicts that the use frequency of the k-th quantum falls as k^(−(α+1)) when the loss falls as N^(−α_N) with α_N = α, so a
/// fitted slope near −(α_N + 1) supports the model. The paper fits ranks 100–1000 of a sweep over 10,000 samples; the default
/// here is the top three quarters of the envelope's ranks, [K_max/4, K_max], clipped to ranks of positive size.
/// </summary>
public static class RankFrequency
{
    public const string CsvFile = "rank_frequency.csv", JsonFile = "rank_frequency.json", PlotFile = "rank_frequency";

    /// <summary>The envelope: element r − 1 is the maximum over the sweep of the r-th largest size (K &lt; r contribute nothing).</summary>
    public static double[] Envelope(IReadOnlyList<ClusterSizes> sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var envelope = new double[sweep.Count == 0 ? 0 : sweep.Max(s => s.Sizes.Length)];
        foreach (var clustering in sweep)
        {
            var descending = clustering.Descending();
            for (int r = 0; r < descending.Length; r++)
                envelope[r] = Math.Max(envelope[r], descending[r]);
        }
        return envelope;
    }

    /// <summary>Computes the envelope and fits it over ranks <paramref name="firstRank"/>..<paramref name="lastRank"/>.</summary>
    /// <param name="firstRank">default: ⌈K_max / 4⌉</param>
    /// <param name="lastRank">default: K_max; either bound is clipped to the last rank of positive envelope size</param>
    /// <param name="alphaN">the scaling exponent α_N, reported beside the fit with the predicted slope −(α_N + 1)</param>
    public static RankFrequencyResult Compute(IReadOnlyList<ClusterSizes> sweep, int? firstRank = null, int? lastRank = null,
        double? alphaN = null, string? alphaNSource = null)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        if (sweep.Count == 0) throw new InputException("the sweep holds no clustering");
        if (firstRank is < 1) throw InputException.Invalid(nameof(firstRank), firstRank, "ranks start at 1");
        if (lastRank is { } l && l < (firstRank ?? 1))
            throw InputException.Invalid(nameof(lastRank), lastRank, "the last rank is below the first");
        var ordered = sweep.OrderBy(s => s.K).ToArray();
        var envelope = Envelope(ordered);
        int positive = Array.FindLastIndex(envelope, size => size > 0) + 1;
        int first = firstRank ?? Math.Max(1, (envelope.Length + 3) / 4);
        int last = Math.Min(lastRank ?? envelope.Length, positive);
        var fit = last - first + 1 >= 3 ? ZipfFit.RankFrequency(envelope.AsSpan(0, last), first, last) : null;
        return new RankFrequencyResult(envelope, ordered, first, last, fit, alphaN, alphaN is null ? null : alphaNSource ?? "given");
    }

    /// <summary>
    /// <see cref="Compute(IReadOnlyList{ClusterSizes}, int?, int?, double?, string?)"/> from the clusterings' labels, with a
    /// bootstrap interval for the slope when <paramref name="replicates"/> &gt; 0 (<see cref="BootstrapSlope"/>).
    /// </summary>
    public static RankFrequencyResult Compute(IReadOnlyList<Clustering> sweep, int replicates, int seed, int? firstRank = null,
        int? lastRank = null, double? alphaN = null, string? alphaNSource = null)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var result = Compute(sweep.Select(c => c.Sizes()).ToArray(), firstRank, lastRank, alphaN, alphaNSource);
        return replicates > 0 && result.Fit is not null
            ? result with { SlopeInterval = BootstrapSlope(sweep, result.Slope!.Value, result.FirstRank, result.LastRank, replicates, seed) }
            : result;
    }

    /// <summary>
    /// How much the slope depends on which tokens were selected: each replicate draws n samples with replacement, recounts
    /// every K's cluster sizes from the drawn samples' labels (the clusterings themselves are not recomputed, so the
    /// interval leaves out the clustering's own variability), rebuilds the envelope and refits it over the same ranks; the
    /// interval is <paramref name="slope"/> ± z · the replicates' standard deviation (<see cref="SlopeBootstrap"/> says why).
    /// Null when fewer than half the replicates can be fitted.
    /// </summary>
    public static SlopeBootstrap? BootstrapSlope(IReadOnlyList<Clustering> sweep, double slope, int firstRank, int lastRank, int replicates,
        int seed, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        if (sweep.Count == 0) throw new InputException("the sweep holds no clustering");
        int n = sweep[0].Labels.Length;
        var bootstrap = Bootstrap.Run(replicates, seed, level, random =>
        {
            var pick = Bootstrap.ResampleIndices(random, n);
            var resized = sweep.Select(clustering =>
            {
                var sizes = new int[clustering.K];
                foreach (int i in pick) sizes[clustering.Labels[i]]++;
                return new ClusterSizes(clustering.K, sizes);
            }).ToArray();
            var envelope = Envelope(resized);
            int positive = Array.FindLastIndex(envelope, size => size > 0) + 1;
            int last = Math.Min(lastRank, positive);
            return last - firstRank + 1 >= 3 && ZipfFit.TryRankFrequency(envelope.AsSpan(0, last), firstRank, last) is { } fit
                ? [-fit.Alpha]
                : null;
        });
        if (bootstrap.Intervals.Count == 0 || bootstrap.Failed * 2 > replicates) return null;
        var replicated = bootstrap.Intervals[0];
        double halfWidth = Normal.InvCDF(0, 1, (1 + level) / 2) * replicated.StandardDeviation;
        return new SlopeBootstrap(slope - halfWidth, slope + halfWidth, level, replicates, bootstrap.Failed, seed,
            replicated.StandardDeviation, replicated.Mean - slope);
    }

    /// <summary>
    /// Reads α_N from a number (invariant culture) or from the <c>summary.json</c> of <c>quanta scaling</c>
    /// (<c>loss_vs_params.alpha_n</c>).
    /// </summary>
    /// <exception cref="InputException">a non-finite number, or a file that is missing, not JSON, or holds no L(N) fit</exception>
    public static (double AlphaN, string Source) ReadAlphaN(string numberOrSummaryPath)
    {
        if (double.TryParse(numberOrSummaryPath, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return double.IsFinite(number) ? (number, "given")
                : throw new InputException($"α_N must be finite, not {numberOrSummaryPath}");
        var path = numberOrSummaryPath;
        if (!File.Exists(path)) throw new InputException("file not found (expected a number or a scaling summary.json)", path);
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("loss_vs_params", out var fit) && fit.ValueKind == JsonValueKind.Object
                && fit.TryGetProperty("alpha_n", out var alpha) && alpha.ValueKind == JsonValueKind.Number)
                return (alpha.GetDouble(), path);
            throw new InputException("no loss_vs_params.alpha_n: not a summary.json of `quanta scaling` with an L(N) fit", path);
        }
        catch (JsonException e)
        {
            throw new InputException($"not JSON: {e.Message}", path, line: e.LineNumber + 1, inner: e);
        }
    }

    /// <summary>Writes rank_frequency.csv, rank_frequency.json and the log-log plot (PNG and SVG) into <paramref name="folder"/>.</summary>
    public static ChartFiles WriteFiles(RankFrequencyResult result, string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, CsvFile), Csv(result));
        File.WriteAllText(Path.Combine(folder, JsonFile), JsonSerializer.Serialize(Summary(result), TableFit.JsonOptions));
        return Plot(result, Path.Combine(folder, PlotFile));
    }

    /// <summary>One row per rank: rank, envelope size, then the size at that rank for each K (empty where K &lt; rank).</summary>
    public static string Csv(RankFrequencyResult result)
    {
        var text = new StringBuilder("rank,envelope");
        foreach (var clustering in result.Sweep) text.Append(CultureInfo.InvariantCulture, $",size_k{clustering.K}");
        text.Append('\n');
        var descending = result.Sweep.Select(s => s.Descending()).ToArray();
        for (int r = 0; r < result.Envelope.Length; r++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{r + 1},{result.Envelope[r]}");
            foreach (var sizes in descending)
                text.Append(',').Append(r < sizes.Length ? sizes[r].ToString(CultureInfo.InvariantCulture) : "");
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>What rank_frequency.json holds.</summary>
    /// <param name="SlopeLower">lower end of the slope's bootstrap interval (<see cref="SlopeBootstrap"/>), when computed</param>
    /// <param name="SlopeBootstrapBias">the resampled slopes' mean minus the slope (<see cref="SlopeBootstrap.Bias"/>)</param>
    public sealed record FitSummary(int FirstRank, int LastRank, int Points, double? Slope, double? SlopeSe, double? Amplitude,
        double? RSquared, double? AlphaN, string? AlphaNSource, double? PredictedSlope, int[] KValues, int Samples, string? Note,
        double? SlopeLower = null, double? SlopeUpper = null, double? SlopeLevel = null, int? SlopeReplicates = null,
        string? SlopeIntervalMethod = null, double? SlopeBootstrapStandardError = null, double? SlopeBootstrapBias = null);

    /// <summary>The summary <see cref="WriteFiles"/> wrote into <paramref name="folder"/>.</summary>
    public static FitSummary ReadSummary(string folder)
    {
        var path = Path.Combine(folder, JsonFile);
        try
        {
            return JsonSerializer.Deserialize<FitSummary>(File.ReadAllText(path), TableFit.JsonOptions)
                ?? throw new InputException("empty rank-frequency summary", path);
        }
        catch (JsonException e)
        {
            throw new InputException($"not a rank-frequency summary: {e.Message}", path);
        }
    }

    public static FitSummary Summary(RankFrequencyResult result)
    {
        var fit = result.Fit;
        return new FitSummary(result.FirstRank, result.LastRank, fit?.Points ?? 0, result.Slope, Finite(fit?.AlphaStandardError),
            fit?.Amplitude, fit?.RSquared, result.AlphaN, result.AlphaNSource, result.PredictedSlope,
            result.Sweep.Select(s => s.K).ToArray(), result.Sweep[0].Sizes.Sum(),
            fit is null ? $"no fit: ranks {result.FirstRank}–{result.LastRank} hold fewer than 3 clusters of positive size" : null,
            result.SlopeInterval?.Lower, result.SlopeInterval?.Upper, result.SlopeInterval?.Level, result.SlopeInterval?.Replicates,
            result.SlopeInterval is null ? null : SlopeBootstrap.Method, result.SlopeInterval?.StandardError, result.SlopeInterval?.Bias);
    }

    /// <summary>The envelope and each K's sizes against rank, log-log, with the fitted line and the predicted slope.</summary>
    public static ChartFiles Plot(RankFrequencyResult result, string pathWithoutExtension)
    {
        var ranks = Enumerable.Range(1, result.Envelope.Length).Select(r => (double)r).ToArray();
        var series = new List<ChartSeries>();
        // A few of the sweep's K in thin lines, so the envelope's construction stays legible.
        int step = Math.Max(1, (int)Math.Ceiling(result.Sweep.Count / 6.0));
        for (int i = result.Sweep.Count - 1; i >= 0; i -= step)
        {
            var sizes = result.Sweep[i].Descending();
            series.Add(new ChartSeries($"K = {result.Sweep[i].K}", ranks[..sizes.Length], sizes.Select(s => (double)s).ToArray()));
        }
        series.Add(new ChartSeries("envelope", ranks, result.Envelope, SeriesStyle.Markers));
        string title = "Rank-frequency envelope of cluster sizes";
        if (result.Fit is { } fit)
        {
            double[] span = [result.FirstRank, result.LastRank];
            string interval = result.SlopeInterval is { } b
                ? FormattableString.Invariant($" ({b.Lower:F2} to {b.Upper:F2})")
                : FormattableString.Invariant($" ± {fit.AlphaStandardError:F2}");
            series.Add(new ChartSeries(FormattableString.Invariant($"fit: slope {-fit.Alpha:F2}{interval}"),
                span, span.Select(fit.Predict).ToArray()));
            if (result.PredictedSlope is { } predicted)
            {
                // The predicted slope drawn through the fit's value at the first rank of the range.
                double anchor = fit.Predict(result.FirstRank);
                series.Add(new ChartSeries(FormattableString.Invariant($"−(α_N + 1) = {predicted:F2}"), span,
                    span.Select(r => anchor * Math.Pow(r / result.FirstRank, predicted)).ToArray()));
            }
            title += FormattableString.Invariant($", ranks {result.FirstRank}–{result.LastRank}");
        }
        return Charts.Save(pathWithoutExtension, title, new AxisSpec("rank", Log: true), new AxisSpec("cluster size", "samples", Log: true),
            series);
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
