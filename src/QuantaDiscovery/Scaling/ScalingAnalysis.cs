using QuantaDiscovery.Common;
using QuantaDiscovery.Fit;
using QuantaDiscovery.Plotting;
using QuantaDiscovery.Report;

namespace QuantaDiscovery.Scaling;

/// <param name="ThresholdNats">a token counts as learned (near-zero loss) below this loss</param>
/// <param name="Exclude">models left out of the L(N) fit (the paper leaves out the largest)</param>
/// <param name="BootstrapReplicates">token-resampling replicates for the CI on α_N (0: none)</param>
/// <param name="Bins">histogram bins over the loss in bits (the paper: 1,000 bins over 0–18 bits)</param>
/// <param name="FitTokens">the L(N) fit uses the mean over the first this many tokens (the paper: 10,000,000); null: all</param>
/// <param name="ExcludeLargest">leave the largest size out of the L(N) fit, besides <paramref name="Exclude"/> (the paper does)</param>
/// <param name="StepFitRange">L(S) is fitted over checkpoints with first ≤ step ≤ last (the paper: 11,000–100,000); null: every step &gt; 0</param>
/// <param name="TrainingCurveRange">each token's loss over training is classified as a sharp drop or a gradual decline
/// over the checkpoints with first ≤ step ≤ last; null: <paramref name="StepFitRange"/>, or else the checkpoints from a
/// tenth of the last step on (past the first steps, where every token falls from the uniform loss at once)</param>
public sealed record ScalingOptions(double ThresholdNats = 0.1, IReadOnlyCollection<string>? Exclude = null,
    int BootstrapReplicates = 0, int Seed = 0, double ConfidenceLevel = 0.95, HistogramBins? Bins = null,
    long? FitTokens = null, bool ExcludeLargest = false, (long First, long Last)? StepFitRange = null,
    CurveClassifierOptions? Curves = null, (long First, long Last)? TrainingCurveRange = null)
{
    public CurveClassifierOptions CurveClassifier => Curves ?? new CurveClassifierOptions();
    public HistogramBins HistogramBins => Bins ?? new HistogramBins(0, 18, 1000);
}

/// <summary>
/// The scaling analyses of Michaud et al. (2023) §5 over a per-token loss matrix: mean loss L(N) in bits against
/// non-embedding parameters with its power-law fit, L(S) per size over checkpoints, the loss distributions p(L) and
/// L·p(L), the share of near-zero-loss tokens, and the size at which each token becomes (and stays) learned.
/// </summary>
public static class ScalingAnalysis
{
    public static ScalingSummary Run(LossMatrix matrix, ScalingOptions options)
    {
        if (!(options.ThresholdNats > 0))
            throw InputException.Invalid(nameof(options), options.ThresholdNats, "the threshold must be positive");
        var suite = matrix.Suite;
        var exclude = new HashSet<string>(options.Exclude ?? [], StringComparer.Ordinal);
        foreach (var name in exclude) suite.IndexOf(name);

        int modelCount = suite.Models.Count;
        var meanNats = new double[modelCount];
        Parallel.For(0, modelCount, m => meanNats[m] = Mean(matrix.Losses[m]));
        var finals = suite.FinalCheckpoints();
        if (options.FitTokens is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.FitTokens, "the fit needs at least one token");
        if (options.ExcludeLargest && finals.Length > 0) exclude.Add(suite.Models[finals[^1]].Name);
        var fitted = finals.Where(i => !exclude.Contains(suite.Models[i].Name)).ToArray();
        int fitTokens = (int)Math.Min(options.FitTokens ?? matrix.Tokens, matrix.Tokens);

        var models = Enumerable.Range(0, modelCount).Select(m => new ModelSummary(
            suite.Models[m].Name, suite.Models[m].Parameters, suite.Models[m].Step, meanNats[m], Bits(meanNats[m]),
            NearZeroFraction(matrix.Losses[m], options.ThresholdNats), fitted.Contains(m),
            SetMeansBits(matrix, m))
        {
            NearZeroInterval = NearZeroInterval(matrix.Losses[m], options, m),
        }).ToArray();

        var fitMeans = fitTokens == matrix.Tokens ? meanNats : new double[modelCount];
        if (fitTokens != matrix.Tokens) Parallel.For(0, modelCount, m => fitMeans[m] = Mean(matrix.Losses[m].AsSpan(0, fitTokens)));
        var sizeFit = FitSize(matrix, fitted, fitMeans, fitTokens, exclude, options);
        var curveKinds = finals.Length >= 3 ? MonogenicPolygenic.Run(matrix, finals, options.CurveClassifier) : null;
        var trainingCurves = TrainingCurves(matrix, options);
        return new ScalingSummary(matrix.Tokens, options.ThresholdNats, models,
            sizeFit,
            fitTokens == matrix.Tokens ? null : FitSize(matrix, fitted, meanNats, matrix.Tokens, exclude, options with { BootstrapReplicates = 0 }),
            StepCurves(suite, meanNats, options.StepFitRange),
            Histograms(matrix, options.HistogramBins), Emergence(matrix, finals, options.ThresholdNats))
        {
            CurveKinds = curveKinds,
            TrainingCurves = trainingCurves,
            Comparison = Compare(matrix, models, finals, sizeFit, curveKinds, trainingCurves, options),
        };
    }

    /// <summary>
    /// The share of tokens below the threshold with its percentile interval under the token bootstrap. A resample of n
    /// tokens holds Binomial(n, share) tokens below the threshold, so each replicate draws that count directly (the
    /// same distribution as resampling the tokens, at the cost of one draw).
    /// </summary>
    private static double[]? NearZeroInterval(float[] losses, ScalingOptions options, int model)
    {
        if (options.BootstrapReplicates < 1 || losses.Length == 0) return null;
        int n = losses.Length;
        double share = NearZeroFraction(losses, options.ThresholdNats);
        var result = Bootstrap.Run(options.BootstrapReplicates, unchecked(options.Seed + 7919 * (model + 1)), options.ConfidenceLevel,
            random => [MathNet.Numerics.Distributions.Binomial.Sample(random, share, n) / (double)n]);
        return [result.Intervals[0].Lower, result.Intervals[0].Upper];
    }

    /// <summary>
    /// Per size, each token's loss over the checkpoints in <see cref="ScalingOptions.TrainingCurveRange"/> classified by
    /// the rule of <see cref="MonogenicPolygenic"/> with checkpoints in place of sizes: a sharp drop (one interval between
    /// adjacent checkpoints carries most of the decrease: the token's skill emerges during training) or a gradual decline.
    /// </summary>
    private static IReadOnlyList<TrainingCurveKinds>? TrainingCurves(LossMatrix matrix, ScalingOptions options)
    {
        var suite = matrix.Suite;
        if (!suite.HasSteps) return null;
        var result = new List<TrainingCurveKinds>();
        foreach (var size in suite.Sizes())
        {
            long last = size.Max(i => suite.Models[i].Step ?? 0);
            var (first, end) = options.TrainingCurveRange ?? options.StepFitRange ?? (Math.Max(1, last / 10), last);
            var inRange = size.Where(i => suite.Models[i].Step is { } step && step >= first && step <= end).ToArray();
            if (inRange.Length < 3) continue;
            var kinds = MonogenicPolygenic.Run(matrix, inRange, options.CurveClassifier);
            var (_, low, high) = MonogenicShareWithInterval(kinds, options.BootstrapReplicates, options.Seed + 2 + result.Count);
            double[]? interval = double.IsFinite(low) ? [low, high] : null;
            result.Add(new TrainingCurveKinds(suite.Models[size[0]].Parameters,
                inRange.Select(i => suite.Models[i].Step!.Value).ToArray(), kinds, interval));
        }
        return result;
    }

    public static double Bits(double nats) => nats / Math.Log(2);

    /// <summary>The rows of the report's summary table that this analysis measures, each beside the paper's value.</summary>
    private static IReadOnlyList<ComparisonRow> Compare(LossMatrix matrix, ModelSummary[] models, int[] finals, SizeFit? fit, CurveKindSummary? curveKinds,
        IReadOnlyList<TrainingCurveKinds>? trainingCurves, ScalingOptions options)
    {
        var rows = new List<ComparisonRow>();
        var suite = matrix.Suite;
        if (fit is not null)
        {
            var (lower, upper, how) = fit.Bootstrap?.Alpha is { Length: 2 } ci
                ? (ci[0], ci[1], $"bootstrap over tokens, {fit.Bootstrap.Replicates} replicates")
                : fit.AlphaNSe is { } se ? (fit.AlphaN - 1.96 * se, fit.AlphaN + 1.96 * se, "±1.96 standard errors of the log-log fit")
                : (double.NaN, double.NaN, "none (two sizes)");
            rows.Add(new ComparisonRow("α_N, L(N) ∝ N^−α_N on the final checkpoints", fit.AlphaN, Finite(lower), Finite(upper), how,
                $"{PaperComparison.PaperAlphaN} (Pythia, 6 sizes; §5)",
                fit.Excluded.Length > 0 ? $"{fit.Models.Length} sizes fitted; left out: {string.Join(", ", fit.Excluded)}" : $"{fit.Models.Length} sizes fitted",
                PaperComparison.AgainstPaperValue(fit.AlphaN, Finite(lower), Finite(upper), PaperComparison.PaperAlphaN)));
        }
        string interval = $"bootstrap over tokens, {options.BootstrapReplicates} replicates";
        var largest = models[finals[^1]];
        rows.Add(new ComparisonRow($"share of tokens below {options.ThresholdNats:G3} nats, {largest.Name}", largest.NearZeroFraction,
            largest.NearZeroInterval?[0], largest.NearZeroInterval?[1], options.BootstrapReplicates > 0 ? interval : "none",
            "grows with size and with training step (§5)", "every size and step: near_zero_fraction.csv",
            NearZeroGrowthVerdict(models, finals, suite)));
        if (curveKinds is not null)
        {
            var (mono, monoLow, monoHigh) = MonogenicShareWithInterval(curveKinds, options.BootstrapReplicates, options.Seed + 1);
            if (double.IsFinite(mono))
                rows.Add(new ComparisonRow("monogenic share of tokens whose loss falls with size", mono, Finite(monoLow), Finite(monoHigh),
                options.BootstrapReplicates > 0 ? interval : "none", "both kinds shown by example; no share given (§5.2)",
                FormattableString.Invariant($"monogenic: one adjacent-size step carries ≥ {options.CurveClassifier.MonogenicShare:G3} of the decreases of a curve falling ≥ {options.CurveClassifier.MinimumDecreaseNats:G3} nats and rising ≤ {options.CurveClassifier.MaximumRise:G3} of that{NoiseBaselineNote(curveKinds)}"),
                PaperComparison.AgainstBaseline(Finite(monoLow), Finite(monoHigh), curveKinds.GradualNoiseShare, "single-step (monogenic) drops")));
        }
        if (trainingCurves is { Count: > 0 } && trainingCurves[^1] is { Kinds.MonogenicShare: { } sharpShare } largestCurves)
        {
            var steps = largestCurves.Steps;
            rows.Add(new ComparisonRow(FormattableString.Invariant($"share of tokens whose loss drops sharply during training, {largest.Name}, steps {steps[0]:N0}–{steps[^1]:N0}"),
                sharpShare, largestCurves.SharpShareInterval?[0], largestCurves.SharpShareInterval?[1],
                options.BootstrapReplicates > 0 ? interval : "none", "sudden drops over training shown by example (§5); no share given",
                FormattableString.Invariant($"sharp: one interval between adjacent checkpoints carries ≥ {options.CurveClassifier.MonogenicShare:G3} of the decreases (same rule as monogenic){NoiseBaselineNote(largestCurves.Kinds)}{UnevenNote(steps)}; every size: training_curve_kinds.csv"),
                PaperComparison.AgainstBaseline(largestCurves.SharpShareInterval?[0], largestCurves.SharpShareInterval?[1],
                    largestCurves.Kinds.GradualNoiseShare, "sudden drops over training")));
        }
        return rows;
    }

    /// <summary>Whether the near-zero share grows with size (final checkpoints) and with step (the largest size), as the paper says.</summary>
    private static string NearZeroGrowthVerdict(ModelSummary[] models, int[] finals, ModelSuite suite)
    {
        var bySize = finals.Select(i => models[i].NearZeroFraction).ToArray();
        var largest = suite.Sizes().FirstOrDefault(size => size.Contains(finals[^1])) ?? [finals[^1]];
        var byStep = largest.Where(i => models[i].Step is > 0).OrderBy(i => models[i].Step).Select(i => models[i].NearZeroFraction).ToArray();
        static int Rises(double[] values) => values.Zip(values.Skip(1), (a, b) => b > a ? 1 : 0).Sum();
        static int Falls(double[] values) => values.Zip(values.Skip(1), (a, b) => b < a ? 1 : 0).Sum();
        string Describe(double[] values, string what) => values.Length < 2 ? $"one {what} only"
            : FormattableString.Invariant($"{values[0]:P1} → {values[^1]:P1} over {values.Length} {what}s, falling at {Falls(values)} of {values.Length - 1} steps");
        static bool Grows(double[] values) => values.Length >= 2 && values[^1] > values[0] && Falls(values) <= Rises(values);
        string sizePart = Describe(bySize, "size"), stepPart = Describe(byStep, "checkpoint");
        return (bySize.Length < 2 || Grows(bySize), byStep.Length < 2 || Grows(byStep)) switch
        {
            (true, true) => $"agrees: grows with size ({sizePart}) and with step for the largest size ({stepPart})",
            (false, true) => $"differs: does not grow with size ({sizePart}); with step: {stepPart}",
            (true, false) => $"differs: does not grow with step for the largest size ({stepPart}); with size: {sizePart}",
            _ => $"differs: grows neither with size ({sizePart}) nor with step ({stepPart})",
        };
    }

    private static string NoiseBaselineNote(CurveKindSummary kinds) => kinds.GradualNoiseShare is { } baseline
        ? FormattableString.Invariant($"; the same rule on gradual curves with measured fluctuation (noise alone): {baseline:P1}")
        : "";

    /// <summary>Uneven checkpoint intervals favour a sharp call in the longest one; said when the steps are not evenly spaced.</summary>
    private static string UnevenNote(long[] steps)
    {
        var gaps = steps.Zip(steps.Skip(1), (a, b) => b - a).ToArray();
        return gaps.Length > 0 && gaps.Max() > 1.1 * gaps.Min()
            ? FormattableString.Invariant($"; the checkpoints are unevenly spaced (intervals {string.Join(", ", gaps.Select(g => g.ToString("N0")))} steps), which favours the longest interval")
            : "";
    }

    /// <summary>Monogenic tokens over monogenic + polygenic ones, with its token-bootstrap interval (NaN bounds without replicates).</summary>
    private static (double Share, double Lower, double Upper) MonogenicShareWithInterval(CurveKindSummary kinds, int replicates, int seed) =>
        PaperComparison.ShareWithInterval(
            kinds.TokenKinds.Select(kind => kind == ScalingCurveKind.Monogenic).ToArray(),
            kinds.TokenKinds.Select(kind => kind is ScalingCurveKind.Monogenic or ScalingCurveKind.Polygenic).ToArray(), replicates, seed);

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static double Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var v in values) sum += v;
        return sum / values.Length;
    }

    private static double NearZeroFraction(float[] losses, double threshold) =>
        losses.Count(v => v < threshold) / (double)losses.Length;

    private static Dictionary<string, double>? SetMeansBits(LossMatrix matrix, int model)
    {
        if (matrix.SetIndex is not { } setIndex) return null;
        var sums = new double[matrix.SetNames.Count];
        var counts = new long[matrix.SetNames.Count];
        var losses = matrix.Losses[model];
        for (int t = 0; t < losses.Length; t++)
        {
            sums[setIndex[t]] += losses[t];
            counts[setIndex[t]]++;
        }
        return matrix.SetNames.Select((name, s) => (name, s)).ToDictionary(p => p.name, p => Bits(sums[p.s] / counts[p.s]));
    }

    private static SizeFit? FitSize(LossMatrix matrix, int[] fitted, double[] meanNats, int tokens, HashSet<string> exclude, ScalingOptions options)
    {
        var suite = matrix.Suite;
        var parameters = fitted.Select(i => suite.Models[i].Parameters).ToArray();
        var meanBits = fitted.Select(i => Bits(meanNats[i])).ToArray();
        if (fitted.Length < 2) return null;
        var fit = PowerLawFit.LogLog(parameters, meanBits);

        BootstrapSummary? bootstrap = null;
        if (options.BootstrapReplicates > 0)
        {
            var columns = fitted.Select(i => matrix.Losses[i]).ToArray();
            var result = Bootstrap.Run(options.BootstrapReplicates, options.Seed, options.ConfidenceLevel, random =>
            {
                // A resample of the tokens, as the number of times each token is drawn; then one sequential pass per model.
                var multiplicity = new int[tokens];
                for (int draw = 0; draw < tokens; draw++) multiplicity[random.Next(tokens)]++;
                var resampledBits = columns.Select(column =>
                {
                    double sum = 0;
                    for (int t = 0; t < tokens; t++) sum += multiplicity[t] * (double)column[t];
                    return Bits(sum / tokens);
                }).ToArray();
                return PowerLawFit.TryLogLog(parameters, resampledBits) is { } refit ? [refit.Alpha] : null;
            });
            var interval = result.Intervals.Count > 0 ? new[] { result.Intervals[0].Lower, result.Intervals[0].Upper } : null;
            bootstrap = new BootstrapSummary(result.Replicates, result.Failed, result.Seed, options.ConfidenceLevel,
                "percentile", "tokens", interval, null, null);
        }
        return new SizeFit(fitted.Select(i => suite.Models[i].Name).ToArray(), parameters, meanBits, fit.Alpha,
            TableFit.Finite(fit.AlphaStandardError), fit.Amplitude, TableFit.Finite(fit.AmplitudeStandardError), fit.RSquared,
            exclude.Order(StringComparer.Ordinal).ToArray(), bootstrap, tokens);
    }

    private static IReadOnlyList<StepCurve>? StepCurves(ModelSuite suite, double[] meanNats, (long First, long Last)? range)
    {
        if (!suite.HasSteps) return null;
        var curves = new List<StepCurve>();
        foreach (var size in suite.Sizes())
        {
            var withSteps = size.Where(i => suite.Models[i].Step is not null).ToArray();
            if (withSteps.Length == 0) continue;
            var steps = withSteps.Select(i => suite.Models[i].Step!.Value).ToArray();
            var bits = withSteps.Select(i => Bits(meanNats[i])).ToArray();
            var positive = Enumerable.Range(0, steps.Length)
                .Where(k => steps[k] > 0 && (range is not { } r || (steps[k] >= r.First && steps[k] <= r.Last))).ToArray();
            PowerFitSummary? fit = null;
            if (positive.Length >= 3)
            {
                var f = PowerLawFit.LogLog(positive.Select(k => (double)steps[k]).ToArray(), positive.Select(k => bits[k]).ToArray());
                fit = new PowerFitSummary(f.Alpha, TableFit.Finite(f.AlphaStandardError), f.Amplitude, f.RSquared, f.Points);
            }
            curves.Add(new StepCurve(suite.Models[size[0]].Parameters, withSteps.Select(i => suite.Models[i].Name).ToArray(),
                steps, bits, fit));
        }
        return curves;
    }

    private static LossHistograms Histograms(LossMatrix matrix, HistogramBins bins)
    {
        var centers = bins.Centers();
        var perModel = new ModelHistogram[matrix.Suite.Models.Count];
        Parallel.For(0, perModel.Length, m =>
        {
            var histogram = Histogram.Compute(matrix.Losses[m].Select(v => Bits(v)), bins);
            var density = histogram.Density;
            perModel[m] = new ModelHistogram(matrix.Suite.Models[m].Name, density,
                density.Select((p, i) => centers[i] * p).ToArray(), histogram.Below, histogram.Above);
        });
        return new LossHistograms(bins.Low, bins.High, bins.Count, bins.Width, centers, perModel);
    }

    /// <summary>
    /// For each token, the smallest size (by parameters, final checkpoints) from which its loss stays below the threshold
    /// at every larger size; counted per size.
    /// </summary>
    public static EmergenceSummary Emergence(LossMatrix matrix, int[] sizes, double thresholdNats)
    {
        var firstLearned = new long[sizes.Length];
        long never = 0;
        for (int t = 0; t < matrix.Tokens; t++)
        {
            int first = sizes.Length;
            while (first > 0 && matrix.Losses[sizes[first - 1]][t] < thresholdNats) first--;
            if (first == sizes.Length) never++;
            else firstLearned[first]++;
        }
        double tokens = matrix.Tokens;
        var share = firstLearned.Select(c => c / tokens).ToArray();
        var cumulative = new double[sizes.Length];
        for (int k = 0; k < sizes.Length; k++) cumulative[k] = (k == 0 ? 0 : cumulative[k - 1]) + share[k];
        var suite = matrix.Suite;
        return new EmergenceSummary(thresholdNats, sizes.Select(i => suite.Models[i].Name).ToArray(),
            sizes.Select(i => suite.Models[i].Parameters).ToArray(), firstLearned, share, cumulative, never / tokens);
    }
}

/// <summary>Everything <c>quanta scaling</c> computes; written as <c>summary.json</c>.</summary>
/// <param name="LossVsParams">the L(N) fit over the first <see cref="ScalingOptions.FitTokens"/> tokens</param>
/// <param name="LossVsParamsAllTokens">the same fit over every token, reported beside it when the fit used fewer</param>
public sealed record ScalingSummary(int Tokens, double ThresholdNats, IReadOnlyList<ModelSummary> Models,
    SizeFit? LossVsParams, SizeFit? LossVsParamsAllTokens, IReadOnlyList<StepCurve>? LossVsStep, LossHistograms Histograms,
    EmergenceSummary Emergence)
{
    /// <summary>Monogenic versus polygenic loss-against-size curves over the final checkpoints (three sizes or more).</summary>
    public CurveKindSummary? CurveKinds { get; init; }

    /// <summary>Per size (smallest first), sharp versus gradual loss-against-step curves (sizes with three checkpoints or more in range).</summary>
    public IReadOnlyList<TrainingCurveKinds>? TrainingCurves { get; init; }

    /// <summary>The measured numbers beside the paper's, for the report's summary table.</summary>
    public IReadOnlyList<ComparisonRow> Comparison { get; init; } = [];
}

/// <param name="NearZeroFraction">share of tokens with loss below the threshold</param>
/// <param name="InSizeFit">whether this model is a point of the L(N) fit</param>
/// <param name="MeanLossBitsBySet">mean loss per value of the matrix's <c>set</c> column, when present</param>
public sealed record ModelSummary(string Name, double Params, long? Step, double MeanLossNats, double MeanLossBits,
    double NearZeroFraction, bool InSizeFit, IReadOnlyDictionary<string, double>? MeanLossBitsBySet)
{
    /// <summary>95% (the analysis' level) bootstrap interval [lower, upper] of <see cref="NearZeroFraction"/>; null without bootstrap.</summary>
    public double[]? NearZeroInterval { get; init; }
}

/// <summary>One size's loss-against-step curves classified over <see cref="Steps"/>: in <see cref="Kinds"/>, "monogenic"
/// reads as a sharp drop between two adjacent checkpoints and "polygenic" as a gradual decline.</summary>
/// <param name="SharpShareInterval">bootstrap interval of <c>Kinds.MonogenicShare</c>; null without bootstrap</param>
public sealed record TrainingCurveKinds(double Params, long[] Steps, CurveKindSummary Kinds, double[]? SharpShareInterval);

/// <summary>L(N) = a·N^(−α_N), mean loss in bits against non-embedding parameters, fitted in log-log space.</summary>
/// <param name="Tokens">the means are over the first this many tokens of the matrix</param>
public sealed record SizeFit(string[] Models, double[] Params, double[] MeanLossBits, double AlphaN, double? AlphaNSe,
    double A, double? ASe, double RSquared, string[] Excluded, BootstrapSummary? Bootstrap, int Tokens);

/// <summary>Mean loss against training step for one size; <see cref="Fit"/> is L(S) = a·S^(−α_S) over steps &gt; 0.</summary>
public sealed record StepCurve(double Params, string[] Models, long[] Steps, double[] MeanLossBits, PowerFitSummary? Fit);

public sealed record PowerFitSummary(double Alpha, double? AlphaSe, double A, double RSquared, int Points);

/// <summary>p(L) (density per bit, integrating to the share of tokens inside the bins) and L·p(L), per model.</summary>
public sealed record LossHistograms(double LowBits, double HighBits, int Bins, double BinWidthBits, double[] BinCentersBits,
    IReadOnlyList<ModelHistogram> Models);

/// <param name="Below">tokens below the first bin (none for losses ≥ 0)</param>
/// <param name="Above">tokens above the last bin</param>
public sealed record ModelHistogram(string Name, double[] Density, double[] LossTimesDensity, long Below, long Above);

/// <param name="FirstLearnedCount">tokens learned first at each size and at every larger size</param>
/// <param name="LearnedShare">cumulative: share of tokens learned, to stay, by each size</param>
/// <param name="NeverLearnedShare">tokens above the threshold at the largest size</param>
public sealed record EmergenceSummary(double ThresholdNats, string[] Sizes, double[] Params, long[] FirstLearnedCount,
    double[] FirstLearnedShare, double[] LearnedShare, double NeverLearnedShare);
