using QuantaDiscovery.Fit;
using ScottPlot;

namespace QuantaDiscovery.Toys;

/// <summary>A named curve for <see cref="ToyPlots.Lines"/>.</summary>
public sealed record Series(string Label, double[] X, double[] Y);

/// <summary>
/// Every chart of the toy trainers, drawn with ScottPlot. Logarithmic axes are drawn by plotting log₁₀
/// of the data with log-spaced ticks labelled in the original units; non-positive values are dropped there.
/// </summary>
public static class ToyPlots
{
    private const int Width = 800, Height = 520;

    public static void Lines(string path, string title, string xLabel, string yLabel, bool logX, bool logY, params Series[] series)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        foreach (var s in series)
        {
            var (x, y) = Transform(s.X, s.Y, logX, logY);
            var line = plot.Add.ScatterLine(x, y);
            if (series.Length > 1)
                line.LegendText = s.Label;
            line.LineWidth = 2;
        }
        if (series.Length > 1)
            plot.ShowLegend(Alignment.UpperLeft);
        FinishAxes(plot, logX, logY);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Points on a log-log plot with the fitted power law y = a·x^(−α) drawn through them.</summary>
    public static void PowerLaw(string path, string title, string xLabel, string yLabel, double[] x, double[] y,
        PowerLawFitResult fit, string? referenceLabel = null, double? referenceExponent = null)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        var (lx, ly) = Transform(x, y, true, true);
        var points = plot.Add.ScatterPoints(lx, ly);
        points.MarkerSize = 9;
        points.LegendText = "measured";
        if (lx.Length > 0)
        {
            double lo = lx.Min(), hi = lx.Max();
            var fitLine = plot.Add.Line(lo, Math.Log10(fit.Predict(Math.Pow(10, lo))), hi, Math.Log10(fit.Predict(Math.Pow(10, hi))));
            fitLine.LegendText = $"fit: slope {-fit.Alpha:0.###} ± {fit.AlphaStandardError:0.###} (R² {fit.RSquared:0.###})";
            fitLine.LineWidth = 2;
            if (referenceExponent is { } exponent)
            {
                // The reference slope, anchored at the fit's value at the geometric middle of the data.
                double middle = (lo + hi) / 2, anchor = Math.Log10(fit.Predict(Math.Pow(10, middle)));
                var reference = plot.Add.Line(lo, anchor - exponent * (lo - middle), hi, anchor - exponent * (hi - middle));
                reference.LegendText = referenceLabel ?? $"slope {-exponent:0.###}";
                reference.LinePattern = LinePattern.Dashed;
                reference.LineWidth = 2;
            }
        }
        plot.ShowLegend(Alignment.UpperRight);
        FinishAxes(plot, true, true);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>A labelled scatter of 2-D points (e.g. the first two principal components of token embeddings), coloured by index.</summary>
    public static void LabelledPoints(string path, string title, string xLabel, string yLabel, double[] x, double[] y)
    {
        var plot = NewPlot(title, xLabel, yLabel);
        var colormap = new ScottPlot.Colormaps.Turbo();
        for (int i = 0; i < x.Length; i++)
        {
            var color = colormap.GetColor(x.Length == 1 ? 0 : (double)i / (x.Length - 1));
            var marker = plot.Add.Marker(x[i], y[i]);
            marker.Color = color;
            marker.Size = 8;
            var label = plot.Add.Text(i.ToString(System.Globalization.CultureInfo.InvariantCulture), x[i], y[i]);
            label.LabelFontSize = 10;
            label.LabelFontColor = color;
            label.OffsetX = 4;
            label.OffsetY = -4;
        }
        plot.Axes.SquareUnits();
        plot.SavePng(path, Width, Width);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    private static (double[] X, double[] Y) Transform(double[] x, double[] y, bool logX, bool logY)
    {
        var xs = new List<double>(x.Length);
        var ys = new List<double>(y.Length);
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            if ((logX && !(x[i] > 0)) || (logY && !(y[i] > 0)) || !double.IsFinite(x[i]) || !double.IsFinite(y[i]))
                continue;
            xs.Add(logX ? Math.Log10(x[i]) : x[i]);
            ys.Add(logY ? Math.Log10(y[i]) : y[i]);
        }
        return ([.. xs], [.. ys]);
    }

    private static void FinishAxes(Plot plot, bool logX, bool logY)
    {
        if (logX)
            plot.Axes.Bottom.TickGenerator = LogTicks();
        if (logY)
            plot.Axes.Left.TickGenerator = LogTicks();
    }

    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = exponent =>
        {
            double value = Math.Pow(10, exponent);
            return value.ToString(value >= 1 ? "#,0" : "0.###############", System.Globalization.CultureInfo.InvariantCulture);
        },
    };
}
