using QuantaDiscovery.Plotting;

namespace QuantaDiscovery.Tests.Plotting;

public class HistogramTests
{
    [Fact]
    public void DensityIntegratesToTheShareInsideTheBins()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 10_000).Select(_ => random.NextDouble() * 20 - 1).ToArray();
        var histogram = Histogram.Compute(values, new HistogramBins(0, 18, 1000));
        double integral = histogram.Density.Sum() * histogram.Bins.Width;
        double inside = values.Count(v => v >= 0 && v <= 18) / (double)values.Length;
        Assert.Equal(inside, integral, 1e-12);
        Assert.Equal(values.Count(v => v < 0), histogram.Below);
        Assert.Equal(values.Count(v => v > 18), histogram.Above);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.0179, 0)]
    [InlineData(0.018, 1)]
    [InlineData(18.0, 999)]
    [InlineData(18.01, 1000)]
    [InlineData(-0.01, -1)]
    [InlineData(double.NaN, 1000)]
    public void BinIndexIncludesTheUpperEdgeInTheLastBin(double value, int expected) =>
        Assert.Equal(expected, new HistogramBins(0, 18, 1000).IndexOf(value));
}
