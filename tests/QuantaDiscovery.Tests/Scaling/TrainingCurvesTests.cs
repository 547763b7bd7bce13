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
    }
}
