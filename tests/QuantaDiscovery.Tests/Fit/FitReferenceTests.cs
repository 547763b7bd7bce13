using System.Text.Json;
using QuantaDiscovery.Fit;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Fit;

/// <summary>Agreement with NumPy/SciPy on the cases written by data/make_cases.py.</summary>
public class FitReferenceTests
{
    private static readonly JsonElement[] Cases = JsonDocument
        .Parse(File.ReadAllText(TestPaths.InRepo("tests/QuantaDiscovery.Tests/Fit/data/cases.json")))
        .RootElement.EnumerateArray().ToArray();

    private static JsonElement Case(string name) => Cases.Single(c => c.GetProperty("name").GetString() == name);
    private static double[] Doubles(JsonElement c, string key) => c.GetProperty(key).EnumerateArray().Select(v => v.GetDouble()).ToArray();
    private static double Expected(JsonElement c, string key) => c.GetProperty("expected").GetProperty(key).GetDouble();

    private static void AssertRelative(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):E2})");

    [Fact]
    public void PowerOnExactDataMatchesPolyfit()
    {
        var c = Case("power-exact");
        var fit = PowerLawFit.LogLog(Doubles(c, "x"), Doubles(c, "y"));
        AssertRelative(Expected(c, "alpha"), fit.Alpha, 1e-6);
        AssertRelative(Expected(c, "a"), fit.Amplitude, 1e-6);
    }

    [Fact]
    public void PowerOnNoisyDataMatchesPolyfitAndLinregressErrors()
    {
        var c = Case("power-noisy");
        var fit = PowerLawFit.LogLog(Doubles(c, "x"), Doubles(c, "y"));
        Assert.InRange(fit.Alpha, Expected(c, "alpha") - Expected(c, "alpha_se"), Expected(c, "alpha") + Expected(c, "alpha_se"));
        AssertRelative(Expected(c, "alpha"), fit.Alpha, 1e-9);
        AssertRelative(Expected(c, "alpha_se"), fit.AlphaStandardError, 1e-6);
        AssertRelative(Expected(c, "a_se"), fit.AmplitudeStandardError, 1e-6);
    }

    [Fact]
    public void PowerOffsetOnExactDataMatchesCurveFit()
    {
        var c = Case("power-offset-exact");
        var fit = PowerLawFit.WithOffset(Doubles(c, "x"), Doubles(c, "y"));
        AssertRelative(Expected(c, "alpha"), fit.Alpha, 1e-6);
        AssertRelative(Expected(c, "a"), fit.Amplitude, 1e-6);
        AssertRelative(Expected(c, "c"), fit.Offset, 1e-6);
    }

    [Fact]
    public void PowerOffsetOnNoisyDataAgreesWithCurveFitWithinItsStandardErrors()
    {
        var c = Case("power-offset-noisy");
        var fit = PowerLawFit.WithOffset(Doubles(c, "x"), Doubles(c, "y"));
        foreach (var (key, actual) in new[] { ("alpha", fit.Alpha), ("a", fit.Amplitude), ("c", fit.Offset) })
            Assert.InRange(actual, Expected(c, key) - Expected(c, key + "_se"), Expected(c, key) + Expected(c, key + "_se"));
        AssertRelative(Expected(c, "alpha"), fit.Alpha, 1e-6);
        AssertRelative(Expected(c, "alpha_se"), fit.AlphaStandardError, 1e-4);
        AssertRelative(Expected(c, "a_se"), fit.AmplitudeStandardError, 1e-4);
        AssertRelative(Expected(c, "c_se"), fit.OffsetStandardError, 1e-4);
    }

    [Fact]
    public void ZipfRankFrequencyMatchesPolyfitOverTheRankRange()
    {
        var c = Case("zipf-sizes");
        var fit = ZipfFit.RankFrequency(Doubles(c, "y"), c.GetProperty("first_rank").GetInt32(), c.GetProperty("last_rank").GetInt32());
        AssertRelative(Expected(c, "alpha"), fit.Alpha, 1e-6);
        AssertRelative(Expected(c, "a"), fit.Amplitude, 1e-6);
    }

    [Fact]
    public void DiscreteMleWithFixedXMinMatchesScipyZetaAndClausetStandardError()
    {
        var c = Case("zipf-sizes");
        var expected = c.GetProperty("expected").GetProperty("mle_fixed");
        var fit = DiscretePowerLaw.Fit(Doubles(c, "y").Select(v => (long)v), c.GetProperty("fixed_xmin").GetInt64());
        AssertRelative(expected.GetProperty("alpha").GetDouble(), fit.Alpha, 1e-6);
        AssertRelative(expected.GetProperty("alpha_se").GetDouble(), fit.AlphaStandardError, 1e-4);
        Assert.Equal(expected.GetProperty("tail_count").GetInt32(), fit.TailCount);
        AssertRelative(expected.GetProperty("ks_distance").GetDouble(), fit.KolmogorovSmirnov, 1e-4);
    }

    [Fact]
    public void DiscreteMleChoosesTheXMinWithTheSmallestKsDistance()
    {
        var c = Case("zipf-sizes");
        var expected = c.GetProperty("expected").GetProperty("mle_ks");
        var fit = DiscretePowerLaw.Fit(Doubles(c, "y").Select(v => (long)v));
        Assert.Equal(expected.GetProperty("x_min").GetInt64(), fit.XMin);
        AssertRelative(expected.GetProperty("alpha").GetDouble(), fit.Alpha, 1e-6);
    }

    [Theory]
    [InlineData(2.0, 1.0, 1.6449340668482266)] // π²/6
    [InlineData(2.5, 3.0, 0.1647105619542803)] // scipy.special.zeta(2.5, 3)
    [InlineData(1.1, 7.0, 8.2920470568943)] // scipy.special.zeta(1.1, 7)
    public void HurwitzZetaMatchesScipy(double s, double q, double expected) =>
        AssertRelative(expected, HurwitzZeta.Value(s, q), 1e-12);
}
