using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Report;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Report;

public class RankFrequencyTests
{
    [Fact]
    public void EnvelopeTakesTheLargestSizeAtEachRankOverTheSweep()
    {
        ClusterSizes[] sweep =
        [
            new(2, [3, 7]),          // descending 7, 3
            new(3, [4, 4, 2]),       // 4, 4, 2
            new(4, [1, 0, 6, 3]),    // 6, 3, 1, 0
        ];

        Assert.Equal([7.0, 4, 2, 0], RankFrequency.Envelope(sweep));
    }

    [Fact]
    public void FitRecoversTheSlopeOfExactZipfSizes()
    {
        // 720720 is divisible by 1..16, so size = 720720 / rank is exactly Zipf with slope −1.
        var zipf = Enumerable.Range(1, 16).Select(r => 720720 / r).ToArray();
        ClusterSizes[] sweep = [new(16, zipf.Reverse().ToArray()), new(8, [.. Enumerable.Repeat(90090, 8)]), new(4, [1, 2, 3, 4])];

        var result = RankFrequency.Compute(sweep, alphaN: 0.25);

        Assert.Equal(zipf.Select(s => (double)s), result.Envelope);
        Assert.Equal((4, 16), (result.FirstRank, result.LastRank));
        Assert.Equal(-1, result.Slope!.Value, 1e-10);
        Assert.Equal(0, result.Fit!.AlphaStandardError, 1e-6);
        Assert.Equal(-1.25, result.PredictedSlope!.Value, 1e-12);
        Assert.Equal([4, 8, 16], result.Sweep.Select(s => s.K));
    }

    /// <summary>Labels of n samples whose K = 40 clusters have Zipf sizes ∝ rank^(−1.5), and a coarser K = 20 of the same samples.</summary>
    private static Clustering[] ZipfLabels(int samples)
    {
        var weights = Enumerable.Range(1, 40).Select(r => Math.Pow(r, -1.5)).ToArray();
        double total = weights.Sum();
        var fine = new int[samples];
        for (int i = 0, cluster = 0; i < samples; i++)
        {
            while (cluster < 39 && (i + 0.5) / samples > weights.Take(cluster + 1).Sum() / total) cluster++;
            fine[i] = cluster;
        }
        return [new Clustering(20, fine.Select(c => c / 2).ToArray()), new Clustering(40, fine)];
    }

    [Fact]
    public void BootstrapIntervalOfTheSlopeNarrowsLikeOneOverRootNAndIsReproducible()
    {
        var small = RankFrequency.Compute(ZipfLabels(2_000), replicates: 300, seed: 1);
        var large = RankFrequency.Compute(ZipfLabels(50_000), replicates: 300, seed: 1);

        foreach (var result in new[] { small, large })
        {
            Assert.NotNull(result.SlopeInterval);
            Assert.Equal(0, result.SlopeInterval!.Failed);
        }
        Assert.Equal(-1.5, large.Slope!.Value, 0.05);
        double Width(RankFrequencyResult r) => r.SlopeInterval!.Upper - r.SlopeInterval.Lower;
        // the interval's width falls like 1/√n: 25× the samples, about a fifth of the width
        Assert.InRange(Width(large) / Width(small), 0.1, 0.4);
        Assert.Equal(small.SlopeInterval, RankFrequency.Compute(ZipfLabels(2_000), replicates: 300, seed: 1).SlopeInterval);
    }

    [Fact]
    public void ResamplingSteepensFlatSizesSoTheIntervalIsCentredOnTheEstimateWithTheBiasReported()
    {
        // 40 clusters of 50 samples each: a flat envelope, slope 0; resampled counts are noisy and, sorted, fall with rank
        var equal = new Clustering(40, Enumerable.Range(0, 2_000).Select(i => i % 40).ToArray());
        var result = RankFrequency.Compute([equal], replicates: 300, seed: 2);

        Assert.Equal(0, result.Slope!.Value, 1e-9);
        var interval = result.SlopeInterval!;
        Assert.True(interval.Bias < -0.1, $"bias {interval.Bias}");
        Assert.Equal(-interval.Lower, interval.Upper, 1e-12);
        Assert.Equal(1.96 * interval.StandardError, interval.Upper, 0.01 * interval.Upper);
    }

    [Theory]
    [InlineData(-1.0, -1.3, -0.8, "agrees: the paper's -1.24 lies within the interval")]
    [InlineData(-0.88, -0.93, -0.83, "differs: the paper's -1.24 lies below the interval [-0.93, -0.83] (0.36 from the estimate)")]
    [InlineData(-1.5, -1.6, -1.4, "differs: the paper's -1.24 lies above the interval [-1.6, -1.4] (0.26 from the estimate)")]
    public void TheVerdictSaysWhereThePapersValueLiesAgainstTheInterval(double measured, double lower, double upper, string verdict) =>
        Assert.Equal(verdict, PaperComparison.AgainstPaperValue(measured, lower, upper, PaperComparison.PaperRankFrequencySlope));

    [Fact]
    public void NoReplicatesMeansNoInterval() =>
        Assert.Null(RankFrequency.Compute(ZipfLabels(1_000), replicates: 0, seed: 0).SlopeInterval);

    [Fact]
    public void RangeIsClippedToRanksOfPositiveSizeAndTooFewRanksGiveNoFit()
    {
        ClusterSizes[] sweep = [new(8, [5, 4, 3, 0, 0, 0, 0, 0])];

        var clipped = RankFrequency.Compute(sweep, firstRank: 1, lastRank: 8);
        var empty = RankFrequency.Compute(sweep);

        Assert.Equal((1, 3), (clipped.FirstRank, clipped.LastRank));
        Assert.NotNull(clipped.Fit);
        Assert.Null(empty.Fit);
        Assert.Contains("no fit", RankFrequency.Summary(empty).Note);
    }

    [Fact]
    public void FilesHoldTheEnvelopePerKSizesAndTheFit()
    {
        var folder = TestPaths.NewTempFolder();
        ClusterSizes[] sweep = [new(2, [6, 2]), new(4, [4, 1, 2, 1]), new(5, [2, 2, 1, 2, 1])];

        RankFrequency.WriteFiles(RankFrequency.Compute(sweep, firstRank: 1, alphaN: 0.5, alphaNSource: "s.json"), folder);

        var csv = File.ReadAllLines(Path.Combine(folder, RankFrequency.CsvFile));
        Assert.Equal(["rank,envelope,size_k2,size_k4,size_k5", "1,6,6,4,2", "2,2,2,2,2", "3,2,,1,2", "4,1,,1,1", "5,1,,,1"], csv);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, RankFrequency.JsonFile))).RootElement;
        Assert.Equal(5, json.GetProperty("last_rank").GetInt32());
        Assert.Equal(-1.5, json.GetProperty("predicted_slope").GetDouble(), 1e-12);
        Assert.Equal("s.json", json.GetProperty("alpha_n_source").GetString());
        Assert.True(json.GetProperty("slope").GetDouble() < 0);
        Assert.True(File.Exists(Path.Combine(folder, RankFrequency.PlotFile + ".png")));
        Assert.True(File.Exists(Path.Combine(folder, RankFrequency.PlotFile + ".svg")));
    }

    [Fact]
    public void AlphaNIsReadFromANumberOrAScalingSummary()
    {
        var folder = TestPaths.NewTempFolder();
        var summary = Path.Combine(folder, "summary.json");
        File.WriteAllText(summary, """{ "tokens": 3, "loss_vs_params": { "alpha_n": 0.076, "a": 2 } }""");
        var other = Path.Combine(folder, "other.json");
        File.WriteAllText(other, """{ "tokens": 3 }""");

        Assert.Equal((0.5, "given"), RankFrequency.ReadAlphaN("0.5"));
        Assert.Equal((0.076, summary), RankFrequency.ReadAlphaN(summary));
        var e = Assert.Throws<InputException>(() => RankFrequency.ReadAlphaN(other));
        Assert.Equal(other, e.FilePath);
        Assert.Throws<InputException>(() => RankFrequency.ReadAlphaN(Path.Combine(folder, "missing.json")));
    }
}
