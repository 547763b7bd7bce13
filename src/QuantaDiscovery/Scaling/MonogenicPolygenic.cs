namespace QuantaDiscovery.Scaling;

/// <summary>How one token's loss falls with model size.</summary>
public enum ScalingCurveKind
{
    /// <summary>the loss falls by less than the minimum decrease between the smallest and largest size</summary>
    Flat,
    /// <summary>one step between adjacent sizes carries most of the decrease: a single quantum learned at one scale</summary>
    Monogenic,
    /// <summary>the decrease is spread over several steps: many quanta, each contributing a little</summary>
    Polygenic,
    /// <summary>the loss falls overall but rises on the way by more than the allowed share of its decrease (noise at
    /// these token counts, or a size that does worse): neither kind</summary>
    Irregular,
}

/// <param name="MinimumDecreaseNats">a token whose loss falls by less than this from the smallest to the largest
/// size is <see cref="ScalingCurveKind.Flat"/></param>
/// <param name="MonogenicShare">a token is monogenic when one adjacent-size step carries at least this share of its
/// total decrease</param>
/// <param name="MaximumRise">a curve whose rises between adjacent sizes add up to more than this share of its
/// decrease is <see cref="ScalingCurveKind.Irregular"/></param>
/// <param name="Examples">example tokens kept for each kind (the clearest of each)</param>
public sealed record CurveClassifierOptions(double MinimumDecreaseNats = 1.0, double MonogenicShare = 0.6, double MaximumRise = 0.25,
    int Examples = 6)
{
    public void Validate()
    {
        if (!(MinimumDecreaseNats > 0)) throw new ArgumentOutOfRangeException(nameof(MinimumDecreaseNats), MinimumDecreaseNats, "must be positive");
        if (MonogenicShare is not (> 0.5 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(MonogenicShare), MonogenicShare, "must lie in (0.5, 1] so that at most one step can qualify");
        ArgumentOutOfRangeException.ThrowIfNegative(Examples);
        if (!(MaximumRise >= 0)) throw new ArgumentOutOfRangeException(nameof(MaximumRise), MaximumRise, "must not be negative");
    }
}

/// <param name="Token">the token's row in the loss matrix</param>
/// <param name="LargestStepShare">the largest adjacent-size decrease over all the decreases between adjacent sizes</param>
/// <param name="StepIndex">the adjacent-size step (0: smallest → second smallest) with the largest decrease</param>
/// <param name="LossNats">the token's loss at each size, smallest first</param>
public sealed record CurveExample(int Token, double LargestStepShare, int StepIndex, double[] LossNats);

/// <param name="Tokens">tokens classified</param>
/// <param name="MonogenicShare">monogenic tokens over monogenic + polygenic ones (null when there are none)</param>
/// <param name="MonogenicByStep">monogenic tokens per adjacent-size step at which their drop happens</param>
/// <param name="GradualNoiseShare">the monogenic share the same rule finds when every classified token's curve is made
/// gradual and given measured noise (<see cref="MonogenicPolygenic.GradualNoiseShare"/>): the share noise alone produces</param>
public sealed record CurveKindSummary(string[] Sizes, double[] Params, CurveClassifierOptions Options, long Tokens, long Flat,
    long Irregular, long Monogenic, long Polygenic, double? MonogenicShare, long[] MonogenicByStep,
    IReadOnlyList<CurveExample> MonogenicExamples, IReadOnlyList<CurveExample> PolygenicExamples, double? GradualNoiseShare = null)
{
    /// <summary>Each token's kind, in loss-matrix order (for resampling; not written to summary.json).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ScalingCurveKind[] TokenKinds { get; init; } = [];
}

/// <summary>
/// Monogenic versus polygenic scaling curves (Michaud et al. 2023, §5.2): per token, the loss at the final checkpoint of
/// each size, smallest first. The paper shows both kinds by example; this is our operational rule, stated in the
/// options: among tokens whose loss falls by at least <see cref="CurveClassifierOptions.MinimumDecreaseNats"/> and
/// rises on the way by at most <see cref="CurveClassifierOptions.MaximumRise"/> of that, a token is monogenic when a
/// single step between adjacent sizes carries at least <see cref="CurveClassifierOptions.MonogenicShare"/> of the
/// decreases, polygenic otherwise.
/// </summary>
public static class MonogenicPolygenic
{
    public static (ScalingCurveKind Kind, double LargestStepShare, int StepIndex) Classify(ReadOnlySpan<double> lossBySize,
        CurveClassifierOptions options)
    {
        if (lossBySize.Length < 2) throw new ArgumentException("a scaling curve needs at least two sizes", nameof(lossBySize));
        double decrease = lossBySize[0] - lossBySize[^1];
        int largest = 0;
        double largestDrop = double.NegativeInfinity, rises = 0, drops = 0;
        for (int k = 0; k + 1 < lossBySize.Length; k++)
        {
            double drop = lossBySize[k] - lossBySize[k + 1];
            if (drop > largestDrop) (largestDrop, largest) = (drop, k);
            if (drop > 0) drops += drop;
            else rises -= drop;
        }
        if (!(decrease >= options.MinimumDecreaseNats)) return (ScalingCurveKind.Flat, double.NaN, largest);
        double share = largestDrop / drops;
        if (rises > options.MaximumRise * decrease) return (ScalingCurveKind.Irregular, share, largest);
        return (share >= options.MonogenicShare ? ScalingCurveKind.Monogenic : ScalingCurveKind.Polygenic, share, largest);
    }

    /// <param name="sizes">the loss matrix's model indices of the final checkpoint of each size, smallest first</param>
    public static CurveKindSummary Run(LossMatrix matrix, IReadOnlyList<int> sizes, CurveClassifierOptions options)
    {
        options.Validate();
        if (sizes.Count < 2) throw new ArgumentException("monogenic/polygenic classification needs at least two sizes", nameof(sizes));
        long flat = 0, irregular = 0, monogenic = 0, polygenic = 0;
        var byStep = new long[sizes.Count - 1];
        var monogenicExamples = new List<CurveExample>();
        var polygenicExamples = new List<CurveExample>();
        var curve = new double[sizes.Count];
        var kinds = new ScalingCurveKind[matrix.Tokens];
        for (int t = 0; t < matrix.Tokens; t++)
        {
            for (int k = 0; k < sizes.Count; k++) curve[k] = matrix.Losses[sizes[k]][t];
            var (kind, share, step) = Classify(curve, options);
            kinds[t] = kind;
            switch (kind)
            {
                case ScalingCurveKind.Flat: flat++; break;
                case ScalingCurveKind.Irregular: irregular++; break;
                case ScalingCurveKind.Monogenic:
                    monogenic++;
                    byStep[step]++;
                    Keep(monogenicExamples, new CurveExample(t, share, step, [.. curve]), options.Examples, highest: true);
                    break;
                default:
                    polygenic++;
                    Keep(polygenicExamples, new CurveExample(t, share, step, [.. curve]), options.Examples, highest: false);
                    break;
            }
        }
        var suite = matrix.Suite;
        long changed = monogenic + polygenic;
        return new CurveKindSummary(sizes.Select(i => suite.Models[i].Name).ToArray(), sizes.Select(i => suite.Models[i].Parameters).ToArray(),
            options, matrix.Tokens, flat, irregular, monogenic, polygenic, changed == 0 ? null : monogenic / (double)changed, byStep,
            [.. monogenicExamples.OrderBy(e => e.Token)], [.. polygenicExamples.OrderBy(e => e.Token)],
            GradualNoiseShare(matrix, sizes, kinds, options)) { TokenKinds = kinds };
    }

    private const int NoiseLevelBins = 10, NoiseReplicates = 4;

    /// <summary>
    /// What share the rule calls monogenic when no token has a sudden drop. Every classified (monogenic or polygenic) token's
    /// curve is replaced by its least-squares straight line over the points k = 0 … n − 1 (equal decreases between adjacent
    /// points: linear in step for evenly spaced checkpoints, in log N for log-spaced sizes), so each keeps its level and
    /// decrease but falls gradually; to it are added the departures from its own mean of a flat token's curve (loss
    /// falling less than the minimum decrease: its changes between adjacent points measure their fluctuation rather than
    /// learning) drawn from the same tenth of mean loss. Subtracting a mean leaves every adjacent-point change as measured;
    /// a flat token's small real changes count as noise here, which errs towards a higher baseline. The share of monogenic
    /// among monogenic + polygenic of those curves, averaged over a few draws, is the baseline the measured share is set
    /// against. Null when there are fewer than 3 points, no classified token or fewer than 10 flat tokens.
    /// </summary>
    public static double? GradualNoiseShare(LossMatrix matrix, IReadOnlyList<int> points, ScalingCurveKind[] kinds,
        CurveClassifierOptions options, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int m = points.Count;
        if (m < 3) return null;
        var classified = Enumerable.Range(0, kinds.Length).Where(t => kinds[t] is ScalingCurveKind.Monogenic or ScalingCurveKind.Polygenic).ToArray();
        var flat = Enumerable.Range(0, kinds.Length).Where(t => kinds[t] == ScalingCurveKind.Flat).ToArray();
        if (classified.Length == 0 || flat.Length < NoiseLevelBins) return null;
        double Loss(int t, int k) => matrix.Losses[points[k]][t];
        var shape = Enumerable.Range(0, m).Select(k => k / (m - 1.0)).ToArray();
        double shapeMean = shape.Average(), shapeVariance = shape.Sum(f => (f - shapeMean) * (f - shapeMean));

        (double Level, double Slope) FitShape(int t)
        {
            double lossMean = 0;
            for (int k = 0; k < m; k++) lossMean += Loss(t, k) / m;
            double covariance = 0;
            for (int k = 0; k < m; k++) covariance += (shape[k] - shapeMean) * (Loss(t, k) - lossMean);
            double slope = covariance / shapeVariance;
            return (lossMean - slope * shapeMean, slope);
        }

        // flat tokens' departures from their mean, grouped by tenth of mean loss
        var flatByLevel = flat.Select(t => (Mean: Enumerable.Range(0, m).Average(k => Loss(t, k)), Token: t)).OrderBy(x => x.Mean).ToArray();
        var bounds = Enumerable.Range(1, NoiseLevelBins - 1).Select(b => flatByLevel[b * flatByLevel.Length / NoiseLevelBins].Mean).ToArray();
        var residuals = new List<double[]>[NoiseLevelBins];
        for (int b = 0; b < NoiseLevelBins; b++) residuals[b] = [];
        foreach (var (level, t) in flatByLevel)
            residuals[Bin(level)].Add(Enumerable.Range(0, m).Select(k => Loss(t, k) - level).ToArray());
        int Bin(double level)
        {
            int bin = Array.BinarySearch(bounds, level);
            return bin >= 0 ? bin + 1 : ~bin;
        }

        var lines = classified.Select(FitShape).ToArray();
        var random = new Random(seed);
        var curve = new double[m];
        long monogenic = 0, changed = 0;
        for (int replicate = 0; replicate < NoiseReplicates; replicate++)
            foreach (var (a, slope) in lines)
            {
                var pool = NearestNonEmpty(residuals, Bin(a + slope * shapeMean));
                var noise = pool[random.Next(pool.Count)];
                for (int k = 0; k < m; k++) curve[k] = a + slope * shape[k] + noise[k];
                var kind = Classify(curve, options).Kind;
                if (kind == ScalingCurveKind.Monogenic) monogenic++;
                if (kind is ScalingCurveKind.Monogenic or ScalingCurveKind.Polygenic) changed++;
            }
        return changed == 0 ? null : monogenic / (double)changed;
    }

    private static List<double[]> NearestNonEmpty(List<double[]>[] bins, int bin)
    {
        for (int distance = 0; ; distance++)
        {
            if (bin - distance >= 0 && bins[bin - distance].Count > 0) return bins[bin - distance];
            if (bin + distance < bins.Length && bins[bin + distance].Count > 0) return bins[bin + distance];
        }
    }

    /// <summary>Keeps the clearest examples: the largest step shares for monogenic, the smallest for polygenic;
    /// among equals, the larger total decrease.</summary>
    private static void Keep(List<CurveExample> kept, CurveExample candidate, int capacity, bool highest)
    {
        if (capacity == 0) return;
        double Key(CurveExample e) => (highest ? e.LargestStepShare : -e.LargestStepShare) * 1e3 + (e.LossNats[0] - e.LossNats[^1]);
        if (kept.Count < capacity) { kept.Add(candidate); return; }
        int worst = 0;
        for (int i = 1; i < kept.Count; i++) if (Key(kept[i]) < Key(kept[worst])) worst = i;
        if (Key(candidate) > Key(kept[worst])) kept[worst] = candidate;
    }
}
