using QuantaDiscovery.Plotting;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Plotting;

public class ChartsTests
{
    [Fact]
    public void SavesPngAndSvgWithAxisTitlesAndDecadeTicks()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "loss_vs_params");
        double[] n = [1e6, 1e7, 1e8, 1e9];
        var files = Charts.Save(path, "Loss vs size", new AxisSpec("non-embedding parameters", "count", Log: true),
            new AxisSpec("mean loss", "bits"),
            [ChartSeries.Points("models", n, [4.0, 3.5, 3.1, 2.8]), new ChartSeries("fit", n, [4.0, 3.5, 3.1, 2.8])]);

        Assert.Equal(path + ".png", files.Png);
        var png = File.ReadAllBytes(files.Png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        var svg = File.ReadAllText(files.Svg);
        Assert.Contains("<svg", svg);
        Assert.Contains("non-embedding parameters (count)", svg);
        Assert.Contains("mean loss (bits)", svg);
        Assert.Contains("10⁷", svg);
    }

    [Fact]
    public void LogTicksPutLabelledMajorsOnDecadesAndMinorsBetween()
    {
        var ticks = Charts.LogTicks(Math.Log10(3e5), Math.Log10(2e8));
        var majors = ticks.Where(t => t.IsMajor).ToArray();
        Assert.Equal(["10⁶", "10⁷", "10⁸"], majors.Select(t => t.Label));
        Assert.Equal([6.0, 7.0, 8.0], majors.Select(t => t.Position));
        Assert.Contains(ticks, t => !t.IsMajor && Math.Abs(t.Position - Math.Log10(5e6)) < 1e-12);
    }

    [Fact]
    public void LogTicksLabelRoundValuesOnRangesNarrowerThanAFactorOfFive()
    {
        var ticks = Charts.LogTicks(Math.Log10(2.5), Math.Log10(7.5));
        Assert.Equal(["3", "4", "5", "6", "7"], ticks.Select(t => t.Label));
        Assert.Equal(Math.Log10(4), ticks[1].Position, 1e-12);
    }

    [Fact]
    public void LogTicksLabelOneTwoFiveWhenOnlyOneDecadeShows()
    {
        var majors = Charts.LogTicks(Math.Log10(3e5), Math.Log10(4e6)).Where(t => t.IsMajor).Select(t => t.Label);
        Assert.Equal(["5×10⁵", "10⁶", "2×10⁶"], majors);
    }

    [Theory]
    [InlineData(2500.0, "2500")]
    [InlineData(0.25, "0.25")]
    [InlineData(3e8, "3×10⁸")]
    [InlineData(1e-5, "10⁻⁵")]
    public void NumbersAreWrittenPlainOrWithAPowerOfTen(double value, string expected) => Assert.Equal(expected, Charts.Number(value));

    [Theory]
    [InlineData(0, "10⁰")]
    [InlineData(12, "10¹²")]
    [InlineData(-3, "10⁻³")]
    public void DecadeLabelsUseSuperscripts(int exponent, string expected) => Assert.Equal(expected, Charts.DecadeLabel(exponent));

    [Fact]
    public void HistogramChartWritesOneCurvePerSample()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "hist");
        var random = new Random(1);
        var a = Enumerable.Range(0, 500).Select(_ => random.NextDouble() * 4).ToArray();
        var b = Enumerable.Range(0, 500).Select(_ => random.NextDouble() * 8).ToArray();
        var files = Charts.Histogram(path, "p(L)", new AxisSpec("loss", "bits"), new AxisSpec("p(L)", "1/bit"),
            [("small", a), ("large", b)], new HistogramBins(0, 10, 50));
        Assert.True(new FileInfo(files.Png).Length > 1000);
        var svg = File.ReadAllText(files.Svg);
        Assert.Contains("small", svg);
        Assert.Contains("large", svg);
    }
}
