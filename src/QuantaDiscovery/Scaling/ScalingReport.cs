using System.Globalization;
using System.Text;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Fit;
using QuantaDiscovery.Plotting;
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
        var finals = summary.Models.Where(m => summary.Emergence.Sizes.Contains(m.Name)).OrderBy(m => m.Params).ToArray();
        PlotDensities(summary, finals, outputFolder);
        var notes = new List<string>();
        WriteNearZero(summary, outputFolder, notes);
        var emergence = summary.Emergence;
        if (emergence.LearnedShare.Any(v => v > 0))
            Charts.Save(Path.Combine(outputFolder, "emergence"), "Size at which tokens become learned and stay learned",
                new AxisSpec("non-embedding parameters N", "count", Log: true), new AxisSpec("share of tokens", "fraction"),
                [
                    new ChartSeries("first learned at this size", emergence.Params, emergence.FirstLearnedShare, SeriesStyle.LineAndMarkers),
                    new ChartSeries("learned by this size (cumulative)", emergence.Params, emergence.LearnedShare, SeriesStyle.LineAndMarkers),
                ], ScottPlot.Alignment.UpperLeft);
        else
            notes.Add(FormattableString.Invariant($"Emergence: no token is below {summary.ThresholdNats:G3} nats at the largest size, so no token becomes learned (and stays learned) at any size."));
        if (summary.CurveKinds is { } kinds) PlotCurveKinds(kinds, outputFolder, notes);
        if (summary.TrainingCurves is { Count: > 0 } trainingCurves) WriteTrainingCurves(trainingCurves, outputFolder, notes);
        PaperComparison.Write(outputFolder, summary.Comparison);
        File.WriteAllLines(Path.Combine(outputFolder, Notes.FileName), notes);
    }

    /// <summary>p(L) and L·p(L) of the final checkpoint of each size (one line per size), in bins ten times the
    /// analysis' width when it has 1,000 or more, so that a few hundred thousand tokens give readable curves.</summary>
    private static void PlotDensities(ScalingSummary summary, ModelSummary[] finals, string outputFolder)
    {
        var histograms = summary.Histograms;
        int merge = histograms.Bins >= 1000 ? 10 : 1;
        var bins = new HistogramBins(histograms.LowBits, histograms.HighBits, histograms.Bins / merge);
        var shown = histograms.Models.Where(h => finals.Any(f => f.Name == h.Name)).ToArray();
        string width = FormattableString.Invariant($"{bins.Width:G3}-bit bins");
        Charts.Save(Path.Combine(outputFolder, "loss_density"), $"Per-token loss p(L), final checkpoints ({width})",
            new AxisSpec("loss L", "bits"), new AxisSpec("p(L)", "1/bit", Log: true),
            shown.Select(h => Charts.StepSeries(h.Name, bins, Coarsen(h.Density, merge))));
        Charts.Save(Path.Combine(outputFolder, "loss_weighted_density"), $"Contribution to mean loss L·p(L), final checkpoints ({width})",
            new AxisSpec("loss L", "bits"), new AxisSpec("L·p(L)", "bits/bit"),
            shown.Select(h => Charts.StepSeries(h.Name, bins, Coarsen(h.LossTimesDensity, merge))));
    }

    private static double[] Coarsen(double[] density, int merge) =>
        Enumerable.Range(0, density.Length / merge).Select(i => density.Skip(i * merge).Take(merge).Average()).ToArray();

    /// <summary>near_zero_fraction.csv for every model; a heatmap over size × step when the suite has checkpoints, a line
    /// over sizes otherwise; a sentence instead of a plot when no token of any model is below the threshold.</summary>
    private static void WriteNearZero(ScalingSummary summary, string outputFolder, List<string> notes)
    {
        var text = new StringBuilder("name,params,step,near_zero_fraction,lower,upper\n");
        foreach (var m in summary.Models)
            text.Append(CultureInfo.InvariantCulture,
                $"{Quote(m.Name)},{m.Params:R},{m.Step},{m.NearZeroFraction:R},{m.NearZeroInterval?[0]:R},{m.NearZeroInterval?[1]:R}\n");
        File.WriteAllText(Path.Combine(outputFolder, "near_zero_fraction.csv"), text.ToString());
        string threshold = summary.ThresholdNats.ToString("G3", CultureInfo.InvariantCulture);
        if (summary.Models.All(m => m.NearZeroFraction == 0))
        {
            notes.Add($"No token of any model or checkpoint has a loss below {threshold} nats: the share of near-zero-loss tokens is 0 everywhere.");
            return;
        }
        var title = $"Share of tokens with loss below {threshold} nats";
        if (summary.Models.Any(m => m.Step is not null))
            Charts.Heatmap(Path.Combine(outputFolder, "near_zero_fraction"), title, summary.Models.Select(m => (m.Params, m.Step ?? 0, m.NearZeroFraction)));
        else
            Charts.Save(Path.Combine(outputFolder, "near_zero_fraction"), title,
                new AxisSpec("non-embedding parameters N", "count", Log: true), new AxisSpec("share of tokens", "fraction"),
                [new ChartSeries(null, summary.Models.Select(m => m.Params).ToArray(), summary.Models.Select(m => m.NearZeroFraction).ToArray(), SeriesStyle.LineAndMarkers)],
                ScottPlot.Alignment.UpperLeft);
    }

    /// <summary>Example monogenic and polygenic loss-against-size curves, one panel each, and the shares in words.</summary>
    private static void PlotCurveKinds(CurveKindSummary kinds, string outputFolder, List<string> notes)
    {
        var changed = kinds.Monogenic + kinds.Polygenic;
        notes.Add(FormattableString.Invariant(
            $"Scaling curves of {kinds.Tokens:N0} tokens over {kinds.Sizes.Length} sizes: {kinds.Flat:N0} fall by less than {kinds.Options.MinimumDecreaseNats:G3} nats and {kinds.Irregular:N0} rise on the way by more than {kinds.Options.MaximumRise:P0} of their decrease (irregular); of the {changed:N0} others, {kinds.Monogenic:N0} ({kinds.MonogenicShare ?? 0:P1}) are monogenic (one adjacent-size step carries ≥ {kinds.Options.MonogenicShare:P0} of the decreases) and {kinds.Polygenic:N0} polygenic.{NoiseBaseline(kinds)}"));
        foreach (var (name, examples) in new[] { ("monogenic", kinds.MonogenicExamples), ("polygenic", kinds.PolygenicExamples) })
        {
            if (examples.Count == 0) continue;
            Charts.Save(Path.Combine(outputFolder, $"{name}_examples"), $"Examples of {name} tokens: loss against size",
                new AxisSpec("non-embedding parameters N", "count", Log: true), new AxisSpec("loss", "nats"),
                examples.Select(e => new ChartSeries($"token {e.Token}", kinds.Params, e.LossNats, SeriesStyle.LineAndMarkers)));
        }
    }

    private static string NoiseBaseline(CurveKindSummary kinds) => kinds.GradualNoiseShare is { } baseline
        ? FormattableString.Invariant($" Noise alone gives {baseline:P1}: the same rule on the same tokens, each replaced by its least-squares straight line over the points (equal decreases per interval), plus the point-to-point fluctuation of a flat token of similar loss; only the excess over it is evidence of sudden drops.")
        : "";

    /// <summary>training_curve_kinds.csv (every size), the largest size's shares in words, and its example curves.</summary>
    private static void WriteTrainingCurves(IReadOnlyList<TrainingCurveKinds> curves, string outputFolder, List<string> notes)
    {
        var text = new StringBuilder("params,first_step,last_step,checkpoints,tokens,flat,irregular,sharp,gradual,sharp_share,lower,upper,noise_baseline_share\n");
        foreach (var c in curves)
            text.Append(CultureInfo.InvariantCulture,
                $"{c.Params:R},{c.Steps[0]},{c.Steps[^1]},{c.Steps.Length},{c.Kinds.Tokens},{c.Kinds.Flat},{c.Kinds.Irregular},{c.Kinds.Monogenic},{c.Kinds.Polygenic},{c.Kinds.MonogenicShare:R},{c.SharpShareInterval?[0]:R},{c.SharpShareInterval?[1]:R},{c.Kinds.GradualNoiseShare:R}\n");
        File.WriteAllText(Path.Combine(outputFolder, "training_curve_kinds.csv"), text.ToString());
        var largest = curves[^1];
        var k = largest.Kinds;
        notes.Add(FormattableString.Invariant(
            $"Loss over training, N = {largest.Params:N0}, checkpoints {largest.Steps[0]:N0}–{largest.Steps[^1]:N0}: {k.Flat:N0} of {k.Tokens:N0} tokens fall by less than {k.Options.MinimumDecreaseNats:G3} nats and {k.Irregular:N0} rise on the way by more than {k.Options.MaximumRise:P0} of their decrease; of the {k.Monogenic + k.Polygenic:N0} others, {k.Monogenic:N0} ({k.MonogenicShare ?? 0:P1}) drop sharply (one interval between adjacent checkpoints carries ≥ {k.Options.MonogenicShare:P0} of the decreases) and {k.Polygenic:N0} decline gradually.{NoiseBaseline(k)} Every size: training_curve_kinds.csv."));
        var steps = largest.Steps.Select(s => (double)s).ToArray();
        foreach (var (name, title, examples) in new[] { ("sharp_over_training_examples", "sharp drops", k.MonogenicExamples), ("gradual_over_training_examples", "gradual declines", k.PolygenicExamples) })
        {
            if (examples.Count == 0) continue;
            Charts.Save(Path.Combine(outputFolder, name), FormattableString.Invariant($"Loss over training, N = {largest.Params:N0}: {title}"),
                new AxisSpec("training step", "steps"), new AxisSpec("loss", "nats"),
                examples.Select(e => new ChartSeries($"token {e.Token}", steps, e.LossNats, SeriesStyle.LineAndMarkers)));
        }
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
            series.Add(new ChartSeries(FormattableString.Invariant($"fit on the first {fit.Tokens:N0} tokens: α_N = {fit.AlphaN:F4}"), grid,
                grid.Select(n => fit.A * Math.Pow(n, -fit.AlphaN)).ToArray()));
            if (summary.LossVsParamsAllTokens is { } all)
                series.Add(new ChartSeries(FormattableString.Invariant($"fit on all {all.Tokens:N0} tokens: α_N = {all.AlphaN:F4}"), grid,
                    grid.Select(n => all.A * Math.Pow(n, -all.AlphaN)).ToArray()));
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
