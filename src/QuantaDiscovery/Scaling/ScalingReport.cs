using System.Globalization;
using System.Text;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Fit;
using QuantaDiscovery.Report;

namespace QuantaDiscovery.Scaling;

/// <summary>Runs <see cref="ScalingAnalysis"/> on files and writes summary.json, models.csv and the plots into a folder.</summary>
public static class ScalingReport
{
    public static async Task<ScalingSummary> RunAsync(string lossesPath, string modelsPath, string outputFolder, ScalingOptions options,
        CancellationToken cancellation = default)
    {
        var suite = await ModelSuite.ReadAsync(modelsPath, cancellation);
        var matrix = await LossMatrix.ReadAsync(lossesPath, suite, cancellation);
        var summary = ScalingAnalysis.Run(matrix, options);
        Write(summary, outputFolder);
        return summary;
    }

    /// <summary>Reads the summary.json that <see cref="Write"/> wrote, given the file or its folder.</summary>
    /// <exception cref="InputException">the file is missing or is not a scaling summary</exception>
    public static ScalingSummary Read(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "summary.json") : path;
        if (!File.Exists(file)) throw new InputException("no such scaling summary", file);
        try
        {
            return JsonSerializer.Deserialize<ScalingSummary>(File.ReadAllText(file), TableFit.JsonOptions) is { Models: not null } summary
                ? summary
                : throw new InputException("not a scaling summary (no models)", file);
        }
        catch (JsonException e)
        {
            throw new InputException($"not a scaling summary: {e.Message}", file);
        }
    }

    public static void Write(ScalingSummary summary, string outputFolder)
    {
        Directory.CreateDirectory(outputFolder);
        File.WriteAllText(Path.Combine(outputFolder, "summary.json"), JsonSerializer.Serialize(summary, TableFit.JsonOptions));
        WriteModelTable(summary, Path.Combine(outputFolder, "models.csv"));
        PlotLossVsParams(summary, Path.Combine(outputFolder, "loss_vs_params"));
        if (summary.LossVsStep is { Count: > 0 } curves)
            Charts.Save(Path.Combine(outputFolder, "loss_vs_step"), "Mean loss over training",
                new AxisSpec("training step", "steps", Log: true), new AxisSpec("mean loss", "bits/token", Log: true),
                curves.Select(c => new ChartSeries($"N = {c.Params:G3}", c.Steps.Select(s => (double)s).ToArray(), c.MeanLossBits,
                    SeriesStyle.LineAndMarkers)));
        var histograms = summary.Histograms;
        var bins = new HistogramBins(histograms.LowBits, histograms.HighBits, histograms.Bins);
        Charts.Save(Path.Combine(outputFolder, "loss_density"), "Distribution of per-token loss, p(L)",
            new AxisSpec("loss L", "bits"), new AxisSpec("p(L)", "1/bit", Log: true),
            histograms.Models.Select(h => Charts.StepSeries(h.Name, bins, h.Density)));
        Charts.Save(Path.Combine(outputFolder, "loss_weighted_density"), "Contribution to mean loss, L·p(L)",
            new AxisSpec("loss L", "bits"), new AxisSpec("L·p(L)", "bits/bit"),
            histograms.Models.Select(h => Charts.StepSeries(h.Name, bins, h.LossTimesDensity)));
        var finals = summary.Models.Where(m => summary.Emergence.Sizes.Contains(m.Name)).OrderBy(m => m.Params).ToArray();
        Charts.Save(Path.Combine(outputFolder, "near_zero_fraction"),
            $"Tokens with loss below {summary.ThresholdNats.ToString("G3", CultureInfo.InvariantCulture)} nats",
            new AxisSpec("non-embedding parameters N", "count", Log: true), new AxisSpec("share of tokens", "fraction"),
            [new ChartSeries(null, finals.Select(m => m.Params).ToArray(), finals.Select(m => m.NearZeroFraction).ToArray(), SeriesStyle.LineAndMarkers)],
            ScottPlot.Alignment.UpperLeft);
        var emergence = summary.Emergence;
        Charts.Save(Path.Combine(outputFolder, "emergence"), "Size at which tokens become learned and stay learned",
            new AxisSpec("non-embedding parameters N", "count", Log: true), new AxisSpec("share of tokens", "fraction"),
            [
                new ChartSeries("first learned at this size", emergence.Params, emergence.FirstLearnedShare, SeriesStyle.LineAndMarkers),
                new ChartSeries("learned by this size (cumulative)", emergence.Params, emergence.LearnedShare, SeriesStyle.LineAndMarkers),
            ], ScottPlot.Alignment.UpperLeft);
    }

    private static void PlotLossVsParams(ScalingSummary summary, string path)
    {
        var fit = summary.LossVsParams;
        var finals = summary.Models.Where(m => summary.Emergence.Sizes.Contains(m.Name)).ToArray();
        var included = finals.Where(m => m.InSizeFit).OrderBy(m => m.Params).ToArray();
        var excluded = finals.Where(m => !m.InSizeFit).OrderBy(m => m.Params).ToArray();
        var series = new List<ChartSeries>
        {
            ChartSeries.Points("fitted models", included.Select(m => m.Params).ToArray(), included.Select(m => m.MeanLossBits).ToArray()),
        };
        if (excluded.Length > 0)
            series.Add(ChartSeries.Points("excluded", excluded.Select(m => m.Params).ToArray(), excluded.Select(m => m.MeanLossBits).ToArray()));
        string title = "Mean loss vs model size";
        if (fit is not null)
        {
            double low = finals.Min(m => m.Params), high = finals.Max(m => m.Params);
            var grid = Enumerable.Range(0, 50).Select(k => low * Math.Pow(high / low, k / 49.0)).ToArray();
            series.Add(new ChartSeries(FormattableString.Invariant($"fit: α_N = {fit.AlphaN:F4}"), grid,
                grid.Select(n => fit.A * Math.Pow(n, -fit.AlphaN)).ToArray()));
            title += FormattableString.Invariant($", L(N) = {fit.A:G4}·N^-{fit.AlphaN:F4}");
        }
        Charts.Save(path, title, new AxisSpec("non-embedding parameters N", "count", Log: true),
            new AxisSpec("mean loss", "bits/token", Log: true), series);
    }

    private static void WriteModelTable(ScalingSummary summary, string path)
    {
        var sets = summary.Models.FirstOrDefault()?.MeanLossBitsBySet?.Keys.ToArray() ?? [];
        var text = new StringBuilder("name,params,step,mean_loss_nats,mean_loss_bits,near_zero_fraction,in_size_fit");
        foreach (var set in sets) text.Append(",mean_loss_bits[").Append(set.Replace(",", " ")).Append(']');
        text.Append('\n');
        foreach (var m in summary.Models)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{Quote(m.Name)},{m.Params:R},{m.Step},{m.MeanLossNats:R},{m.MeanLossBits:R},{m.NearZeroFraction:R},{(m.InSizeFit ? "true" : "false")}");
            foreach (var set in sets) text.Append(CultureInfo.InvariantCulture, $",{m.MeanLossBitsBySet![set]:R}");
            text.Append('\n');
        }
        File.WriteAllText(path, text.ToString());
    }

    private static string Quote(string field) => field.Contains(',') || field.Contains('"') ? $"\"{field.Replace("\"", "\"\"")}\"" : field;
}
