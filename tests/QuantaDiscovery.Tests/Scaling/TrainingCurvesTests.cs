using QuantaDiscovery.Report;
using QuantaDiscovery.Scaling;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Scaling;

public class TrainingCurvesTests
{
    private static readonly long[] Steps = [0, 100, 200, 300, 400, 500, 600];

    /// <summary>
    /// Two sizes with checkpoints 0–600. In the larger one, tokens t ≡ 0 (mod 3) fall from 4 to 0.05 nats between steps
    /// 300 and 400, tokens ≡ 1 fall by the same amount evenly over the checkpoints, tokens ≡ 2 stay at 3 nats.
    /// </summary>
    private static LossMatrix Suite()
    {
        var models = new List<ModelInfo>();
        var losses = new List<float[]>();
        foreach (var n in new[] { 1e3, 1e4 })
            foreach (var step in Steps)
            {
                models.Add(new ModelInfo($"n{n}/step{step}", n, step));
                losses.Add(Enumerable.Range(0, 300).Select(t => n < 1e4 ? 5f : (t % 3) switch
                {
                    0 => step <= 300 ? 4f : 0.05f,
                    1 => (float)(4 - 3.95 * step / 600.0),
                    _ => 3f,
                }).ToArray());
            }
        return new LossMatrix(new ModelSuite(models, "models.csv"), [.. losses], null, []);
    }

    [Fact]
    public void EachTokensLossOverTrainingIsClassifiedAsASharpDropOrAGradualDecline()
    {
        var summary = ScalingAnalysis.Run(Suite(), new ScalingOptions(BootstrapReplicates: 100));

        var largest = summary.TrainingCurves![^1];
        Assert.Equal(1e4, largest.Params);
        Assert.Equal([100L, 200, 300, 400, 500, 600], largest.Steps); // default range: from a tenth of the last step
        Assert.Equal(100, largest.Kinds.Monogenic);
        Assert.Equal(100, largest.Kinds.Polygenic);
        Assert.Equal(100, largest.Kinds.Flat);
        Assert.Equal(0.5, largest.Kinds.MonogenicShare!.Value, 12);
        Assert.InRange(0.5, largest.SharpShareInterval![0], largest.SharpShareInterval[1]);
        Assert.True(largest.SharpShareInterval[1] - largest.SharpShareInterval[0] is > 0 and < 0.3);
        Assert.Equal(300, summary.TrainingCurves[0].Kinds.Flat);
    }

    [Fact]
    public void TheStatedStepRangeLimitsTheCheckpointsClassified()
    {
        var summary = ScalingAnalysis.Run(Suite(), new ScalingOptions(TrainingCurveRange: (400, 600)));

        var largest = summary.TrainingCurves![^1];
        Assert.Equal([400L, 500, 600], largest.Steps);
        Assert.Equal(0, largest.Kinds.Monogenic); // the sharp drop happened before step 400
        Assert.Null(largest.SharpShareInterval);
    }

    [Fact]
    public void EveryCheckpointsNearZeroShareHasABootstrapInterval()
    {
        var summary = ScalingAnalysis.Run(Suite(), new ScalingOptions(BootstrapReplicates: 200));

        var final = summary.Models.Single(m => m.Name == "n10000/step600");
        Assert.Equal(2 / 3.0, final.NearZeroFraction, 12); // the sharp and the gradual tokens end at 0.05 nats
        Assert.InRange(final.NearZeroFraction, final.NearZeroInterval![0], final.NearZeroInterval[1]);
        // binomial standard error at n = 300, p = 2/3 is 0.027: a 95% interval about ±0.053 wide
        Assert.InRange(final.NearZeroInterval[1] - final.NearZeroInterval[0], 0.06, 0.16);
        Assert.Null(ScalingAnalysis.Run(Suite(), new ScalingOptions()).Models[0].NearZeroInterval);
    }

    [Fact]
    public void TheReportGivesTheSharpShareBesideThePaperAndEverySizeInATable()
    {
        var folder = TestPaths.NewTempFolder();
        var summary = ScalingAnalysis.Run(Suite(), new ScalingOptions(BootstrapReplicates: 50));
        ScalingReport.Write(summary, folder);

        var row = PaperComparison.Read(folder).Single(r => r.Quantity.StartsWith("share of tokens whose loss drops sharply", StringComparison.Ordinal));
        Assert.Equal(0.5, row.Measured, 12);
        Assert.Contains("steps 100–600", row.Quantity);
        var table = File.ReadAllLines(Path.Combine(folder, "training_curve_kinds.csv"));
        Assert.Equal(3, table.Length);
        Assert.StartsWith("10000,100,600,6,300,100,0,100,100,0.5,", table[2]);
        Assert.True(File.Exists(Path.Combine(folder, "sharp_over_training_examples.png")));
        Assert.Contains("lower,upper", File.ReadLines(Path.Combine(folder, "near_zero_fraction.csv")).First());
        var nearZero = PaperComparison.Read(folder).Single(r => r.Quantity.StartsWith("share of tokens below", StringComparison.Ordinal));
        Assert.StartsWith("agrees: grows with size (0.0 % → 66.7 % over 2 sizes", nearZero.Verdict);
    }

    /// <summary>
    /// One size's 7 checkpoints with Gaussian noise (sd 0.4 nats) on every loss: 500 flat tokens at 3 nats, and 500 tokens
    /// falling 4 → 1 nats, all gradually (evenly) or half of them at once between steps 300 and 400.
    /// </summary>
    private static LossMatrix Noisy(bool halfSharp, int seed)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var models = new List<ModelInfo>();
        var losses = new List<float[]>();
        foreach (var step in Steps)
        {
            models.Add(new ModelInfo($"n1000/step{step}", 1e3, step));
            losses.Add(Enumerable.Range(0, 1000).Select(t => (float)(0.4 * Gaussian() + (t < 500 ? 3
                : halfSharp && t % 2 == 0 ? (step <= 300 ? 4 : 1)
                : 4 - 3.0 * step / 600))).ToArray());
        }
        return new LossMatrix(new ModelSuite(models, "models.csv"), [.. losses], null, []);
    }

    [Fact]
    public void NoiseAloneGivesTheSharpShareOfGradualNoisyCurvesAndSuddenDropsExceedIt()
    {
        var options = new CurveClassifierOptions(MinimumDecreaseNats: 1.5, MaximumRise: 0.5);
        int[] checkpoints = [0, 2, 4, 6]; // steps 0, 200, 400, 600: with three intervals noise alone makes about a fifth look sharp

        var gradual = MonogenicPolygenic.Run(Noisy(halfSharp: false, seed: 3), checkpoints, options);
        Assert.InRange(gradual.MonogenicShare!.Value, 0.1, 0.3);
        Assert.Equal(gradual.MonogenicShare.Value, gradual.GradualNoiseShare!.Value, 0.06);

        var mixed = MonogenicPolygenic.Run(Noisy(halfSharp: true, seed: 3), checkpoints, options);
        Assert.InRange(mixed.MonogenicShare!.Value, 0.5, 0.75);
        Assert.InRange(mixed.GradualNoiseShare!.Value, 0, gradual.MonogenicShare.Value + 0.08);
    }
}
