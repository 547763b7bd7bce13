using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace QuantaDiscovery.Plotting;

/// <summary>An axis: its quantity, its unit (shown in parentheses), and whether it is logarithmic (base 10).</summary>
public sealed record AxisSpec(string Label, string? Unit = null, bool Log = false)
{
    public string Title => Unit is null ? Label : $"{Label} ({Unit})";
}

public enum SeriesStyle { Line, Markers, LineAndMarkers }

/// <summary>One curve or point set. Points with a non-positive coordinate on a log axis are left out of the plot.</summary>
public sealed record ChartSeries(string? Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, SeriesStyle Style = SeriesStyle.Line)
{
    public static ChartSeries Points(string? label, IReadOnlyList<double> x, IReadOnlyList<double> y) => new(label, x, y, SeriesStyle.Markers);
}

/// <summary>The two files written for one chart.</summary>
public sealed record ChartFiles(string Png, string Svg);

/// <summary>
/// Plots that the pipeline stages save as PNG and SVG side by side (ScottPlot 5), with axis titles carrying units.
/// ScottPlot has no logarithmic axis type, so a log axis plots log10 of the data and draws its own ticks (<see cref="LogTicks"/>):
/// a labelled major tick at every decade (10ⁿ) with minor ticks at 2–9 × 10ⁿ, and round values on narrow ranges.
/// </summary>
public static class Charts
{
    public const int DefaultWidth = 800, DefaultHeight = 560;

    /// <summary>Line and/or scatter series on common axes, saved to <c>{pathWithoutExtension}.png</c> and <c>.svg</c>.</summary>
    /// <param name="legend">where the legend goes (shown when any series has a label)</param>
    public static ChartFiles Save(string pathWithoutExtension, string title, AxisSpec x, AxisSpec y, IEnumerable<ChartSeries> series,
        Alignment legend = Alignment.UpperRight, int width = DefaultWidth, int height = DefaultHeight)
    {
        using var plot = Build(title, x, y, series, legend);
        return SaveBoth(plot, pathWithoutExtension, width, height);
    }

    /// <summary>
    /// A heatmap of a value over model size (rows, smallest at the bottom) × training step (columns), each cell labelled
    /// with its value; for quantities such as the share of near-zero-loss tokens per checkpoint.
    /// </summary>
    public static ChartFiles Heatmap(string pathWithoutExtension, string title, IEnumerable<(double Params, long Step, double Value)> cells)
    {
        var list = cells.ToList();
        var sizes = list.Select(c => c.Params).Distinct().Order().ToArray();
        var steps = list.Select(c => c.Step).Distinct().Order().ToArray();
        var grid = new double[sizes.Length, steps.Length];
        for (int r = 0; r < sizes.Length; r++)
            for (int c = 0; c < steps.Length; c++) grid[r, c] = double.NaN;
        foreach (var (p, step, value) in list)
            grid[sizes.Length - 1 - Array.IndexOf(sizes, p), Array.IndexOf(steps, step)] = value;
        using var plot = new Plot();
        plot.Title(title);
        plot.XLabel("training step");
        plot.YLabel("non-embedding parameters N");
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        for (int r = 0; r < sizes.Length; r++)
            for (int c = 0; c < steps.Length; c++)
            {
                double value = grid[sizes.Length - 1 - r, c];
                if (!double.IsFinite(value)) continue;
                var label = plot.Add.Text(value.ToString("0.###", CultureInfo.InvariantCulture), c, r);
                label.LabelFontSize = 9;
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontColor = Colors.White;
            }
        plot.Axes.Bottom.TickGenerator = new NumericManual(steps.Select((s, c) => Tick.Major(c, Number(s))).ToArray());
        plot.Axes.Left.TickGenerator = new NumericManual(sizes.Select((p, r) => Tick.Major(r, Number(p))).ToArray());
        plot.Axes.SetLimits(-0.5, steps.Length - 0.5, -0.5, sizes.Length - 0.5);
        return SaveBoth(plot, pathWithoutExtension, Math.Max(DefaultWidth, 60 * steps.Length + 200), DefaultHeight);
    }

    /// <summary>A scatter plot of one point set.</summary>
    public static ChartFiles Scatter(string pathWithoutExtension, string title, AxisSpec x, AxisSpec y,
        IReadOnlyList<double> xs, IReadOnlyList<double> ys, string? label = null) =>
        Save(pathWithoutExtension, title, x, y, [ChartSeries.Points(label, xs, ys)]);

    /// <summary>
    /// One histogram curve per sample set over the same <paramref name="bins"/>, drawn as a step outline so that several
    /// overlap legibly. With <paramref name="density"/> the curves integrate to the fraction of values inside the bins.
    /// </summary>
    public static ChartFiles Histogram(string pathWithoutExtension, string title, AxisSpec x, AxisSpec y,
        IEnumerable<(string? Label, IReadOnlyList<double> Values)> samples, HistogramBins bins, bool density = true)
    {
        var series = samples.Select(s =>
        {
            var histogram = Plotting.Histogram.Compute(s.Values, bins);
            return StepSeries(s.Label, bins, density ? histogram.Density : histogram.Counts.Select(c => (double)c).ToArray());
        });
        return Save(pathWithoutExtension, title, x, y, series);
    }

    /// <summary>A histogram that is already binned, as a step outline (each bin a flat segment).</summary>
    public static ChartSeries StepSeries(string? label, HistogramBins bins, IReadOnlyList<double> heights)
    {
        var xs = new double[2 * bins.Count];
        var ys = new double[2 * bins.Count];
        for (int i = 0; i < bins.Count; i++)
        {
            xs[2 * i] = bins.Edge(i);
            xs[2 * i + 1] = bins.Edge(i + 1);
            ys[2 * i] = ys[2 * i + 1] = heights[i];
        }
        return new ChartSeries(label, xs, ys);
    }

    /// <summary>
    /// The ScottPlot plot behind <see cref="Save"/>, for callers that add annotations before <see cref="SaveBoth"/>.
    /// On a log axis the plot's coordinates are log10 of the data, so annotations there take log10 positions too.
    /// </summary>
    public static Plot Build(string title, AxisSpec x, AxisSpec y, IEnumerable<ChartSeries> series, Alignment legend = Alignment.UpperRight)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(x.Title);
        plot.YLabel(y.Title);
        var allX = new List<double>();
        var allY = new List<double>();
        bool labelled = false;
        foreach (var s in series)
        {
            if (s.X.Count != s.Y.Count)
                throw new ArgumentException($"series '{s.Label}' has {s.X.Count} x values but {s.Y.Count} y values");
            var xs = new List<double>(s.X.Count);
            var ys = new List<double>(s.Y.Count);
            for (int i = 0; i < s.X.Count; i++)
            {
                if (!double.IsFinite(s.X[i]) || !double.IsFinite(s.Y[i])) continue;
                if ((x.Log && !(s.X[i] > 0)) || (y.Log && !(s.Y[i] > 0))) continue;
                xs.Add(x.Log ? Math.Log10(s.X[i]) : s.X[i]);
                ys.Add(y.Log ? Math.Log10(s.Y[i]) : s.Y[i]);
            }
            if (xs.Count == 0) continue;
            var scatter = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
            scatter.LineWidth = s.Style == SeriesStyle.Markers ? 0 : 1.5f;
            scatter.MarkerSize = s.Style == SeriesStyle.Line ? 0 : 7;
            if (s.Label is not null) { scatter.LegendText = s.Label; labelled = true; }
            allX.AddRange(xs);
            allY.AddRange(ys);
        }
        if (labelled) plot.ShowLegend(legend);
        if (allX.Count > 0)
        {
            var (xLow, xHigh) = Padded(allX.Min(), allX.Max());
            var (yLow, yHigh) = Padded(allY.Min(), allY.Max());
            plot.Axes.SetLimits(xLow, xHigh, yLow, yHigh);
            if (x.Log) plot.Axes.Bottom.TickGenerator = new NumericManual(LogTicks(xLow, xHigh));
            if (y.Log) plot.Axes.Left.TickGenerator = new NumericManual(LogTicks(yLow, yHigh));
        }
        return plot;
    }

    public static ChartFiles SaveBoth(Plot plot, string pathWithoutExtension, int width = DefaultWidth, int height = DefaultHeight)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(pathWithoutExtension));
        if (folder is not null) Directory.CreateDirectory(folder);
        var files = new ChartFiles(pathWithoutExtension + ".png", pathWithoutExtension + ".svg");
        plot.SavePng(files.Png, width, height);
        plot.SaveSvg(files.Svg, width, height);
        return files;
    }

    /// <summary>
    /// Ticks for an axis that plots log10 of the data, between <paramref name="low"/> and <paramref name="high"/> (in log10):
    /// labelled decades with minor ticks at 2–9 × 10ⁿ when two or more decades show; else 1, 2 and 5 × 10ⁿ labelled when the
    /// range spans a factor of five or more; else evenly spaced round values, as a linear axis would have.
    /// </summary>
    public static Tick[] LogTicks(double low, double high)
    {
        var ticks = new List<Tick>();
        int first = (int)Math.Floor(low), last = (int)Math.Ceiling(high);
        bool decades = Math.Floor(high) - Math.Ceiling(low) >= 1;
        if (!decades && high - low < Math.Log10(5))
            return RoundValueTicks(Math.Pow(10, low), Math.Pow(10, high));
        for (int decade = first; decade <= last; decade++)
        {
            for (int mantissa = 1; mantissa <= 9; mantissa++)
            {
                double position = decade + Math.Log10(mantissa);
                if (position < low || position > high) continue;
                if (mantissa == 1) ticks.Add(Tick.Major(position, DecadeLabel(decade)));
                else if (!decades && mantissa is 2 or 5) ticks.Add(Tick.Major(position, Number(mantissa * Math.Pow(10, decade))));
                else ticks.Add(Tick.Minor(position));
            }
        }
        return ticks.ToArray();
    }

    /// <summary>About five round values (1, 2, 2.5 or 5 × 10ⁿ apart) between two positive values, placed at their log10.</summary>
    private static Tick[] RoundValueTicks(double low, double high)
    {
        double raw = (high - low) / 5 * (1 - 1e-9);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * magnitude).First(s => s >= raw);
        var ticks = new List<Tick>();
        for (double v = Math.Ceiling(low / step) * step; v <= high * (1 + 1e-12); v += step)
            if (v > 0) ticks.Add(Tick.Major(Math.Log10(v), Number(v)));
        return ticks.ToArray();
    }

    /// <summary>A tick label: plain between 10⁻³ and 10⁴, else as m×10ⁿ.</summary>
    public static string Number(double value)
    {
        if (value == 0) return "0";
        int exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)) + 1e-12);
        if (exponent is >= -3 and <= 3)
            return Math.Round(value, 12).ToString("G4", CultureInfo.InvariantCulture);
        double mantissa = Math.Round(value / Math.Pow(10, exponent), 10);
        return mantissa == 1 ? DecadeLabel(exponent)
            : mantissa.ToString("G4", CultureInfo.InvariantCulture) + "×" + DecadeLabel(exponent);
    }

    /// <summary>10ⁿ written with Unicode superscripts, e.g. "10⁻³".</summary>
    public static string DecadeLabel(int exponent)
    {
        const string superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        var digits = Math.Abs(exponent).ToString(CultureInfo.InvariantCulture).Select(d => superscripts[d - '0']);
        return "10" + (exponent < 0 ? "⁻" : "") + string.Concat(digits);
    }

    private static (double Low, double High) Padded(double low, double high)
    {
        if (low == high) return (low - 0.5, high + 0.5);
        double margin = 0.04 * (high - low);
        return (low - margin, high + margin);
    }
}
