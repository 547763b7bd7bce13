using QuantaDiscovery.Scaling;

namespace QuantaDiscovery.Tests.Scaling;

/// <summary>The paper's L(N) switches: the fit on the first N tokens with the largest size left out, the all-token fit beside it; the L(S) step range.</summary>
public class ScalingFitSwitchesTests
{
    private static readonly double[] Sizes = [1e6, 1e7, 1e8, 1e9];

    /// <summary>The first 100 tokens follow L = 4·N^−0.1 bits, the other 100 follow 4·N^−0.2; the largest size is off both laws.</summary>
    private static LossMatrix Matrix()
    {
        var suite = new ModelSuite(Sizes.Select((n, i) => new ModelInfo($"m{i}", n)).ToArray(), "models.csv");
        var losses = Sizes.Select((n, i) => Enumerable.Range(0, 200).Select(t =>
        {
            double bits = 4 * Math.Pow(n, t < 100 ? -0.1 : -0.2);
            if (i == Sizes.Length - 1) bits *= 3;
            return (float)(bits * Math.Log(2));
        }).ToArray()).ToArray();
        return new LossMatrix(suite, losses, null, []);
    }

    [Fact]
    public void Fit_on_the_first_tokens_without_the_largest_recovers_their_exponent()
    {
        var summary = ScalingAnalysis.Run(Matrix(), new ScalingOptions(FitTokens: 100, ExcludeLargest: true));
        var fit = summary.LossVsParams!;
        Assert.Equal(0.1, fit.AlphaN, 4);
        Assert.Equal(100, fit.Tokens);
        Assert.Equal(["m3"], fit.Excluded);
        Assert.Equal(["m0", "m1", "m2"], fit.Models);
        var all = summary.LossVsParamsAllTokens!;
        Assert.Equal(200, all.Tokens);
        Assert.Equal(["m0", "m1", "m2"], all.Models);
        Assert.True(all.AlphaN > 0.11 && all.AlphaN < 0.2, $"the all-token fit mixes both laws: α_N = {all.AlphaN}");
    }

    [Fact]
    public void Without_the_switches_every_token_and_size_is_fitted_and_nothing_is_reported_beside()
    {
        var summary = ScalingAnalysis.Run(Matrix(), new ScalingOptions());
        Assert.Equal(200, summary.LossVsParams!.Tokens);
        Assert.Equal(4, summary.LossVsParams.Models.Length);
        Assert.Null(summary.LossVsParamsAllTokens);
    }

    /// <summary>Untrained models: every per-token curve is flat; the summary must still be written (no NaN in JSON).</summary>
    [Fact]
    public void A_suite_whose_curves_are_all_flat_writes_its_summary()
    {
        var suite = new ModelSuite(Sizes.Select((n, i) => new ModelInfo($"m{i}", n)).ToArray(), "models.csv");
        var losses = Sizes.Select((_, i) => Enumerable.Repeat(7f - 0.01f * i, 50).ToArray()).ToArray();
        var summary = ScalingAnalysis.Run(new LossMatrix(suite, losses, null, []), new ScalingOptions());
        Assert.Equal(50, summary.CurveKinds!.Flat);
        Assert.Null(summary.CurveKinds.MonogenicShare);
        var folder = QuantaDiscovery.Tests.Common.TestPaths.NewTempFolder();
        ScalingReport.Write(summary, folder);
        Assert.Contains("\"curve_kinds\"", File.ReadAllText(Path.Combine(folder, "summary.json")));
    }

    [Fact]
    public void Step_range_limits_the_L_of_S_fit()
    {
        long[] steps = [1000, 2000, 4000, 8000, 16000, 32000];
        var suite = new ModelSuite(steps.Select(s => new ModelInfo($"s{s}", 1e6, s)).ToArray(), "models.csv");
        // Power law S^−0.3 inside 2000..16000; the first and last checkpoints are off it.
        var losses = steps.Select(s => Enumerable.Repeat((float)(Math.Pow(s, -0.3) * (s is 1000 or 32000 ? 5 : 1) * Math.Log(2)), 10).ToArray()).ToArray();
        var matrix = new LossMatrix(suite, losses, null, []);
        var fit = ScalingAnalysis.Run(matrix, new ScalingOptions(StepFitRange: (2000, 16000))).LossVsStep![0].Fit!;
        Assert.Equal(4, fit.Points);
        Assert.Equal(0.3, fit.Alpha, 4);
        Assert.Equal(6, ScalingAnalysis.Run(matrix, new ScalingOptions()).LossVsStep![0].Fit!.Points);
    }
}
