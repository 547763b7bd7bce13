using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Fit;

public enum FitForm
{
    /// <summary>y = a·x^(−α), least squares in log-log space.</summary>
    Power,
    /// <summary>y = a·x^(−α) + c, nonlinear least squares.</summary>
    PowerOffset,
    /// <summary>rank-frequency slope of a column of counts, plus the discrete power-law MLE of the counts.</summary>
    Zipf,
}

/// <summary>An inclusive range [Low, High]; either end may be open (null).</summary>
public sealed record FitRange(double? Low, double? High)
{
    public bool Contains(double value) => (Low is not { } lo || value >= lo) && (High is not { } hi || value <= hi);

    /// <summary>Parses "lo:hi", "lo:" or ":hi" (invariant culture).</summary>
    public static FitRange Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 2)
            throw new InputException($"range '{text}' is not of the form lo:hi");
        double? Bound(string part) => part.Trim().Length == 0 ? null
            : double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
            : throw new InputException($"range '{text}': '{part}' is not a number");
        var range = new FitRange(Bound(parts[0]), Bound(parts[1]));
        if (range.Low is { } l && range.High is { } h && l > h)
            throw new InputException($"range '{text}' is empty (lo > hi)");
        return range;
    }

    public override string ToString() =>
        $"{Low?.ToString("R", CultureInfo.InvariantCulture)}:{High?.ToString("R", CultureInfo.InvariantCulture)}";
}

/// <param name="XColumn">the x column (unused by <see cref="FitForm.Zipf"/>)</param>
/// <param name="YColumn">the y column; for <see cref="FitForm.Zipf"/>, the counts or sizes</param>
/// <param name="Range">x range for power forms; rank range (1-based, inclusive) for Zipf</param>
/// <param name="BootstrapReplicates">0 for no bootstrap</param>
/// <param name="XMin">Zipf only: fixes x_min of the discrete MLE instead of choosing it by KS distance</param>
public sealed record FitOptions(FitForm Form, string? XColumn, string YColumn, FitRange? Range = null,
    int BootstrapReplicates = 0, int Seed = 0, double ConfidenceLevel = 0.95, long? XMin = null);

/// <summary>Fits a power law to two columns of a table and reports the result as <c>fit.json</c>.</summary>
public static class TableFit
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static async Task<FitReport> RunAsync(string inputPath, FitOptions options, string? outputPath = null,
        CancellationToken cancellation = default)
    {
        var table = await ColumnTable.ReadAsync(inputPath, cancellation);
        var report = Run(table, options);
        if (outputPath is not null)
            await File.WriteAllTextAsync(outputPath, JsonSerializer.Serialize(report, JsonOptions), cancellation);
        return report;
    }

    public static FitReport Run(ColumnTable table, FitOptions options) =>
        options.Form == FitForm.Zipf ? RunZipf(table, options) : RunPower(table, options);

    private static FitReport RunPower(ColumnTable table, FitOptions options)
    {
        if (options.XColumn is null)
            throw new InputException($"the {FormName(options.Form)} form needs an x column (the x setting)", table.Path);
        var allX = table.Numbers(options.XColumn);
        var allY = table.Numbers(options.YColumn);
        var rows = Enumerable.Range(0, table.RowCount).Where(r => options.Range?.Contains(allX[r]) ?? true).ToArray();
        bool logY = options.Form == FitForm.Power;
        foreach (var r in rows)
        {
            if (!(allX[r] > 0))
                throw table.RowError(r, $"{options.XColumn} = {allX[r]}: a power law needs positive x");
            if (logY && !(allY[r] > 0))
                throw table.RowError(r, $"{options.YColumn} = {allY[r]}: a log-log fit needs positive y");
        }
        int parameters = logY ? 2 : 3;
        RequirePoints(table, options, rows.Length, parameters);
        var x = rows.Select(r => allX[r]).ToArray();
        var y = rows.Select(r => allY[r]).ToArray();
        if (x.Distinct().Count() < parameters)
            throw new InputException($"only {x.Distinct().Count()} distinct x values; the {FormName(options.Form)} form needs {parameters}", table.Path);

        Func<double[], double[], double[]?> fitParameters = logY
            ? (xs, ys) => PowerLawFit.TryLogLog(xs, ys) is { } f ? [f.Alpha, f.Amplitude] : null
            : (xs, ys) => PowerLawFit.TryWithOffset(xs, ys) is { } f ? [f.Alpha, f.Amplitude, f.Offset] : null;
        var bootstrap = RunBootstrap(options, x.Length, (random, n) =>
        {
            var pick = Bootstrap.ResampleIndices(random, n);
            return fitParameters(pick.Select(i => x[i]).ToArray(), pick.Select(i => y[i]).ToArray());
        });

        try
        {
            if (logY)
            {
                var fit = PowerLawFit.LogLog(x, y);
                return new FitReport(options.Form, table.Path, options.XColumn, options.YColumn, SpanOf(options.Range, x),
                    fit.Points, fit.Alpha, Finite(fit.AlphaStandardError), fit.Amplitude, Finite(fit.AmplitudeStandardError),
                    null, null, fit.RSquared, "log-log", bootstrap, null);
            }
            var offsetFit = PowerLawFit.WithOffset(x, y);
            return new FitReport(options.Form, table.Path, options.XColumn, options.YColumn, SpanOf(options.Range, x),
                offsetFit.Points, offsetFit.Alpha, Finite(offsetFit.AlphaStandardError), offsetFit.Amplitude,
                Finite(offsetFit.AmplitudeStandardError), offsetFit.Offset, Finite(offsetFit.OffsetStandardError),
                offsetFit.RSquared, "linear", bootstrap, null);
        }
        catch (ArgumentException e)
        {
            throw new InputException(e.Message, table.Path, inner: e);
        }
    }

    private static FitReport RunZipf(ColumnTable table, FitOptions options)
    {
        var counts = table.Numbers(options.YColumn);
        int firstRank = 1, lastRank = counts.Length;
        if (options.Range is { } range)
        {
            firstRank = range.Low is { } lo ? (int)Math.Ceiling(lo) : 1;
            lastRank = range.High is { } hi ? (int)Math.Floor(hi) : counts.Length;
            if (firstRank < 1 || lastRank > counts.Length)
                throw new InputException(
                    $"rank range {range} needs ranks 1..{counts.Length} at most, but '{options.YColumn}' has {counts.Length} values", table.Path);
        }
        RequirePoints(table, options, lastRank - firstRank + 1, 2);
        var sorted = ZipfFit.SortedDescending(counts);
        int lastPositive = Array.FindLastIndex(sorted, v => v > 0) + 1;
        if (lastPositive < lastRank)
        {
            int zeroRow = Array.FindIndex(counts, v => !(v > 0));
            throw table.RowError(zeroRow, $"{options.YColumn} = {counts[zeroRow]} falls at rank {lastPositive + 1}, " +
                                          $"inside the fitted ranks {firstRank}:{lastRank}; a log-log fit needs positive counts");
        }

        var bootstrap = RunBootstrap(options, counts.Length, (random, n) =>
        {
            var pick = Bootstrap.ResampleIndices(random, n);
            return ZipfFit.TryRankFrequency(pick.Select(i => counts[i]).ToArray(), firstRank, lastRank) is { } fit ? [fit.Alpha, fit.Amplitude] : null;
        });

        DiscreteMle? mle = null;
        string? mleSkipped = null;
        if (counts.Any(v => v < 1 || v != Math.Floor(v)))
            mleSkipped = $"'{options.YColumn}' holds values that are not integers ≥ 1";
        else
        {
            try
            {
                var d = DiscretePowerLaw.Fit(counts.Select(v => (long)v), options.XMin);
                mle = new DiscreteMle(d.Alpha, Finite(d.AlphaStandardError), d.XMin, d.TailCount, d.KolmogorovSmirnov,
                    d.LogLikelihood, options.XMin is null ? "ks-minimum" : "fixed");
            }
            catch (ArgumentException e) { mleSkipped = e.Message; }
        }

        try
        {
            var rankFit = ZipfFit.RankFrequency(counts, firstRank, lastRank);
            return new FitReport(FitForm.Zipf, table.Path, null, options.YColumn, $"{firstRank}:{lastRank}", rankFit.Points,
                rankFit.Alpha, Finite(rankFit.AlphaStandardError), rankFit.Amplitude, Finite(rankFit.AmplitudeStandardError),
                null, null, rankFit.RSquared, "log-log", bootstrap, mle, mleSkipped);
        }
        catch (ArgumentException e)
        {
            throw new InputException(e.Message, table.Path, inner: e);
        }
    }

    /// <summary>The requested range, or else the span of the x values fitted.</summary>
    private static string SpanOf(FitRange? requested, double[] x) => (requested ?? new FitRange(x.Min(), x.Max())).ToString();

    private static BootstrapSummary? RunBootstrap(FitOptions options, int n, Func<Random, int, double[]?> refit)
    {
        if (options.BootstrapReplicates <= 0) return null;
        var result = Bootstrap.Run(options.BootstrapReplicates, options.Seed, options.ConfidenceLevel, random => refit(random, n));
        double[]? Interval(int k) => k < result.Intervals.Count ? [result.Intervals[k].Lower, result.Intervals[k].Upper] : null;
        return new BootstrapSummary(result.Replicates, result.Failed, result.Seed, options.ConfidenceLevel, "percentile",
            "points", Interval(0), Interval(1), options.Form == FitForm.PowerOffset ? Interval(2) : null);
    }

    private static void RequirePoints(ColumnTable table, FitOptions options, int points, int parameters)
    {
        if (points < parameters)
            throw new InputException(
                $"{points} point(s){(options.Range is null ? "" : $" in range {options.Range}")}, but the {FormName(options.Form)} form " +
                $"has {parameters} parameters", table.Path);
    }

    public static string FormName(FitForm form) => JsonNamingPolicy.KebabCaseLower.ConvertName(form.ToString());

    public static FitForm ParseForm(string text) => text switch
    {
        "power" => FitForm.Power,
        "power-offset" => FitForm.PowerOffset,
        "zipf" => FitForm.Zipf,
        _ => throw new InputException($"unknown form '{text}': expected power, power-offset or zipf"),
    };

    internal static double? Finite(double value) => double.IsFinite(value) ? value : null;
}

/// <summary>The content of <c>fit.json</c>. Standard errors are null where undefined (as many points as parameters).</summary>
/// <param name="Range">"lo:hi": the requested x range (else the span of x) for power forms, the inclusive rank range for zipf</param>
/// <param name="ResidualSpace">where R² is measured: "log-log" or "linear"</param>
public sealed record FitReport(FitForm Form, string Input, string? X, string Y, string? Range, int Points,
    double Alpha, double? AlphaSe, double A, double? ASe, double? C, double? CSe, double RSquared, string ResidualSpace,
    BootstrapSummary? Bootstrap, DiscreteMle? DiscreteMle, string? DiscreteMleSkipped = null);

/// <param name="Resampled">what the bootstrap resamples with replacement</param>
/// <param name="Alpha">[lower, upper] percentile interval of α</param>
public sealed record BootstrapSummary(int Replicates, int Failed, int Seed, double Level, string Method, string Resampled,
    double[]? Alpha, double[]? A, double[]? C);

/// <summary>Clauset, Shalizi &amp; Newman (2009) discrete power-law MLE of the counts themselves (pdf exponent).</summary>
/// <param name="XMinMethod">"ks-minimum" (chosen by KS distance) or "fixed" (given with --xmin)</param>
public sealed record DiscreteMle(double Alpha, double? AlphaSe, long XMin, int TailCount, double KsDistance,
    double LogLikelihood, string XMinMethod);
