using System.Text.Json;
using Parquet;
using Parquet.Schema;
using QuantaDiscovery.Common;
using QuantaDiscovery.Scaling;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Scaling;

public class ScalingAnalysisTests
{
    private static readonly double[] Sizes = [1e6, 4e6, 1.6e7, 6.4e7, 2.56e8];
    private const double TrueAlpha = 0.076, TrueA = 12.0;

    private static double MeanBits(double n) => TrueA * Math.Pow(n, -TrueAlpha);

    private static string ModelsCsv(string folder, IEnumerable<string> lines, string header = "name,params")
    {
        var path = Path.Combine(folder, "models.csv");
        File.WriteAllText(path, header + "\n" + string.Join("\n", lines) + "\n");
        return path;
    }

    private static string[] SizeLines() => Sizes.Select((n, i) => FormattableString.Invariant($"m{i},{n}")).ToArray();

    /// <summary>losses[model][token] written as float32 .npy [tokens, models].</summary>
    private static string LossNpy(string folder, float[][] losses)
    {
        int tokens = losses[0].Length, models = losses.Length;
        var data = new float[tokens * models];
        for (int t = 0; t < tokens; t++)
            for (int m = 0; m < models; m++)
                data[t * models + m] = losses[m][t];
        var path = Path.Combine(folder, "losses.npy");
        Npy.Write<float>(path, data, tokens, models);
        return path;
    }

    private static async Task<ScalingSummary> Analyse(string losses, string models, ScalingOptions? options = null) =>
        ScalingAnalysis.Run(await LossMatrix.ReadAsync(losses, await ModelSuite.ReadAsync(models)), options ?? new ScalingOptions());

    [Fact]
    public async Task RecoversAnExactExponentFromPerTokenLosses()
    {
        var folder = TestPaths.NewTempFolder();
        // Token weights with mean exactly 1, so each model's mean loss is a·N^−α bits.
        var weights = Enumerable.Range(0, 1000).Select(t => 0.5 + t / 999.0).ToArray();
        var losses = Sizes.Select(n => weights.Select(w => (float)(w * MeanBits(n) * Math.Log(2))).ToArray()).ToArray();
        var summary = await Analyse(LossNpy(folder, losses), ModelsCsv(folder, SizeLines()));
        var fit = summary.LossVsParams!;
        Assert.Equal(TrueAlpha, fit.AlphaN, 1e-5);
        Assert.Equal(TrueA, fit.A, 1e-3);
        Assert.Equal(5, fit.Models.Length);
        for (int i = 0; i < Sizes.Length; i++)
            Assert.Equal(MeanBits(Sizes[i]), summary.Models[i].MeanLossBits, 1e-5);
    }

    [Fact]
    public async Task NoisyLossesGiveABootstrapIntervalAroundTheTrueExponent()
    {
        var folder = TestPaths.NewTempFolder();
        var random = new Random(11);
        const int tokens = 20_000;
        // Exponential per-token losses whose expectation follows the power law.
        var losses = Sizes.Select(n => Enumerable.Range(0, tokens)
            .Select(_ => (float)(-Math.Log(1 - random.NextDouble()) * MeanBits(n) * Math.Log(2))).ToArray()).ToArray();
        var path = LossNpy(folder, losses);
        var models = ModelsCsv(folder, SizeLines());
        var options = new ScalingOptions(BootstrapReplicates: 200, Seed: 3);
        var fit = (await Analyse(path, models, options)).LossVsParams!;
        var ci = fit.Bootstrap!.Alpha!;
        Assert.Equal("tokens", fit.Bootstrap.Resampled);
        Assert.True(ci[0] < fit.AlphaN && fit.AlphaN < ci[1], $"α_N = {fit.AlphaN} outside [{ci[0]}, {ci[1]}]");
        // Each mean has relative noise 1/√tokens, so the slope over ln N has σ = (1/√tokens) / √Σ(ln N − mean)².
        double lnMean = Sizes.Average(Math.Log);
        double sigma = 1 / Math.Sqrt(tokens) / Math.Sqrt(Sizes.Sum(n => Math.Pow(Math.Log(n) - lnMean, 2)));
        Assert.InRange((ci[1] - ci[0]) / (2 * 1.96), 0.7 * sigma, 1.3 * sigma);
        Assert.InRange(fit.AlphaN, TrueAlpha - 4 * sigma, TrueAlpha + 4 * sigma);
        Assert.Equal(ci, (await Analyse(path, models, options)).LossVsParams!.Bootstrap!.Alpha);
    }

    [Fact]
    public async Task ExcludedModelsStayOutOfTheFit()
    {
        var folder = TestPaths.NewTempFolder();
        var losses = Sizes.Select((n, i) => Enumerable.Repeat((float)(MeanBits(n) * Math.Log(2) * (i == 4 ? 1.5 : 1)), 10).ToArray()).ToArray();
        var summary = await Analyse(LossNpy(folder, losses), ModelsCsv(folder, SizeLines()), new ScalingOptions(Exclude: ["m4"]));
        Assert.Equal(TrueAlpha, summary.LossVsParams!.AlphaN, 1e-5);
        Assert.Equal(["m4"], summary.LossVsParams.Excluded);
        Assert.False(summary.Models[4].InSizeFit);
        Assert.Equal(5, summary.Emergence.Sizes.Length);
    }

    [Fact]
    public async Task EmergenceCountsTheSizeFromWhichATokenStaysLearned()
    {
        var folder = TestPaths.NewTempFolder();
        // Columns: small, medium, large (final checkpoints), and an early checkpoint of "large" that must be ignored.
        float[][] losses =
        [
            [0.05f, 1f, 0.05f, 1f, 1f],    // small
            [0.05f, 0.05f, 1f, 1f, 1f],    // medium
            [0.05f, 0.05f, 0.05f, 1f, 0.01f], // large, step 1000
            [5f, 5f, 5f, 5f, 5f],          // large, step 10
        ];
        var models = ModelsCsv(folder, ["small,1e6,1000", "medium,1e7,1000", "large,1e8,1000", "large-early,1e8,10"], "name,params,step");
        var summary = await Analyse(LossNpy(folder, losses), models);
        var emergence = summary.Emergence;
        Assert.Equal(["small", "medium", "large"], emergence.Sizes);
        Assert.Equal([1L, 1L, 2L], emergence.FirstLearnedCount);
        Assert.Equal([0.2, 0.2, 0.4], emergence.FirstLearnedShare);
        Assert.Equal(0.2, emergence.NeverLearnedShare, 1e-12);
        Assert.Equal(0.8, emergence.LearnedShare[^1], 1e-12);
        Assert.Equal([0.4, 0.4, 0.8, 0.0], summary.Models.Select(m => m.NearZeroFraction));
        var curve = Assert.Single(summary.LossVsStep!, c => c.Params == 1e8);
        Assert.Equal([10L, 1000L], curve.Steps);
    }

    [Fact]
    public async Task CheckpointsGiveLossVersusStepWithItsPowerLaw()
    {
        var folder = TestPaths.NewTempFolder();
        long[] steps = [0, 1000, 4000, 16000, 64000];
        double StepBits(long step) => step == 0 ? 10.9 : 9 * Math.Pow(step, -0.1);
        var losses = steps.Select(s => Enumerable.Repeat((float)(StepBits(s) * Math.Log(2)), 8).ToArray())
            .Append(Enumerable.Repeat(1f, 8).ToArray()).ToArray();
        var lines = steps.Select(s => $"big-{s},1e8,{s}").Append("small,1e6,64000");
        var summary = await Analyse(LossNpy(folder, losses), ModelsCsv(folder, lines, "name,params,step"));
        var curve = Assert.Single(summary.LossVsStep!, c => c.Params == 1e8);
        Assert.Equal(steps, curve.Steps);
        Assert.Equal(0.1, curve.Fit!.Alpha, 1e-5);
        Assert.Equal(4, curve.Fit.Points);
        Assert.Equal(["small", "big-64000"], summary.LossVsParams!.Models);
    }

    [Fact]
    public async Task HistogramsAreDensitiesOverBits()
    {
        var folder = TestPaths.NewTempFolder();
        var random = new Random(2);
        var losses = Sizes.Take(3).Select(_ => Enumerable.Range(0, 5000).Select(_ => (float)(random.NextDouble() * 12)).ToArray()).ToArray();
        losses[2][0] = 13.5f; // 19.5 bits: beyond the 18-bit range
        var summary = await Analyse(LossNpy(folder, losses), ModelsCsv(folder, SizeLines().Take(3)));
        var histograms = summary.Histograms;
        Assert.Equal(1000, histograms.Bins);
        Assert.Equal(0.018, histograms.BinWidthBits, 1e-12);
        foreach (var h in histograms.Models)
        {
            double inside = 1 - h.Above / 5000.0;
            Assert.Equal(inside, h.Density.Sum() * histograms.BinWidthBits, 1e-9);
            Assert.Equal(h.Density[500] * histograms.BinCentersBits[500], h.LossTimesDensity[500], 1e-12);
        }
        Assert.Equal(1, histograms.Models[2].Above);
    }

    [Fact]
    public async Task ParquetMatrixWithSetsGivesPerSetMeans()
    {
        var folder = TestPaths.NewTempFolder();
        var path = Path.Combine(folder, "losses.parquet");
        var doc = new DataField<long>("doc");
        var pos = new DataField<int>("pos");
        var token = new DataField<int>("token");
        var set = new DataField<string>("set");
        var small = new DataField<float>("small");
        var large = new DataField<float>("large");
        float ln2 = (float)Math.Log(2);
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(doc, pos, token, set, small, large), stream))
        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync<long>(doc, new long[] { 0, 0, 1, 1 }.AsMemory());
            await group.WriteAsync<int>(pos, new[] { 0, 1, 0, 1 }.AsMemory());
            await group.WriteAsync<int>(token, new[] { 5, 6, 7, 8 }.AsMemory());
            await group.WriteAsync(set, new[] { "code", "code", "prose", "prose" });
            await group.WriteAsync<float>(small, new[] { 2 * ln2, 4 * ln2, 6 * ln2, 8 * ln2 }.AsMemory());
            await group.WriteAsync<float>(large, new[] { 1 * ln2, 0.05f, 3 * ln2, 5 * ln2 }.AsMemory());
        }
        var summary = await Analyse(path, ModelsCsv(folder, ["large,1e8", "small,1e6"]));
        Assert.Equal(["large", "small"], summary.Models.Select(m => m.Name));
        Assert.Equal(5.0, summary.Models[1].MeanLossBits, 1e-6);
        Assert.Equal(3.0, summary.Models[1].MeanLossBitsBySet!["code"], 1e-6);
        Assert.Equal(7.0, summary.Models[1].MeanLossBitsBySet!["prose"], 1e-6);
        Assert.Equal(0.25, summary.Models[0].NearZeroFraction);
    }

    [Fact]
    public async Task NpyColumnCountMustMatchModelsCsv()
    {
        var folder = TestPaths.NewTempFolder();
        var losses = LossNpy(folder, [[1f, 2f], [1f, 2f]]);
        var e = await Assert.ThrowsAsync<InputException>(() => Analyse(losses, ModelsCsv(folder, SizeLines())));
        Assert.Contains("2 model columns", e.Message);
        Assert.Contains("5 models", e.Message);
    }

    [Fact]
    public async Task ModelsCsvWithoutParamsIsRejected()
    {
        var folder = TestPaths.NewTempFolder();
        var models = ModelsCsv(folder, ["a,1", "b,2"], "name,size");
        var e = await Assert.ThrowsAsync<InputException>(() => ModelSuite.ReadAsync(models));
        Assert.Contains("no column 'params'", e.Message);
        Assert.Contains("name, size", e.Message);
    }

    [Fact]
    public async Task ParquetWithoutAModelColumnNamesIt()
    {
        var folder = TestPaths.NewTempFolder();
        var path = Path.Combine(folder, "losses.parquet");
        var small = new DataField<float>("small");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(small), stream))
        using (var group = writer.CreateRowGroup())
            await group.WriteAsync<float>(small, new[] { 1f }.AsMemory());
        var e = await Assert.ThrowsAsync<InputException>(() => Analyse(path, ModelsCsv(folder, ["small,1e6", "large,1e8"])));
        Assert.Contains("'large'", e.Message);
    }

    [Fact]
    public async Task NegativeOrNaNLossNamesTheTokenAndModel()
    {
        var folder = TestPaths.NewTempFolder();
        var losses = LossNpy(folder, [[1f, float.NaN], [1f, 2f]]);
        var e = await Assert.ThrowsAsync<InputException>(() => Analyse(losses, ModelsCsv(folder, SizeLines().Take(2))));
        Assert.Contains("token row 1, model 'm0'", e.Message);
    }

    [Fact]
    public async Task ReportWritesSummaryAndPlots()
    {
        var folder = TestPaths.NewTempFolder();
        var losses = Sizes.Select(n => Enumerable.Range(0, 200).Select(t => (float)((t % 7) / 3.0 * MeanBits(n))).ToArray()).ToArray();
        var output = Path.Combine(folder, "out");
        await ScalingReport.RunAsync(LossNpy(folder, losses), ModelsCsv(folder, SizeLines()), output, new ScalingOptions());
        foreach (var plot in new[] { "loss_vs_params", "loss_density", "loss_weighted_density", "near_zero_fraction", "emergence" })
        {
            Assert.True(File.Exists(Path.Combine(output, plot + ".png")), plot);
            Assert.True(File.Exists(Path.Combine(output, plot + ".svg")), plot);
        }
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json"))).RootElement;
        Assert.Equal(200, json.GetProperty("tokens").GetInt32());
        Assert.True(json.GetProperty("loss_vs_params").GetProperty("alpha_n").GetDouble() > 0);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(output, "models.csv")).Length);
    }
}
