using QuantaDiscovery.Fit;

namespace QuantaDiscovery.Tests.Fit;

public class PowerLawFitTests
{
    [Fact]
    public void RecoversExactExponentAndAmplitude()
    {
        double[] x = [1e4, 3e4, 1e5, 3e5, 1e6, 1e7];
        var y = x.Select(v => 7.5 * Math.Pow(v, -0.083)).ToArray();
        var fit = PowerLawFit.LogLog(x, y);
        Assert.Equal(0.083, fit.Alpha, 1e-12);
        Assert.Equal(7.5, fit.Amplitude, 1e-9);
        Assert.Equal(1.0, fit.RSquared, 1e-12);
        Assert.Equal(6, fit.Points);
    }

    [Theory]
    [InlineData(new double[] { 1, 2, 0 }, new double[] { 1, 2, 3 })]
    [InlineData(new double[] { 1, 2, 3 }, new double[] { 1, -2, 3 })]
    [InlineData(new double[] { 1, 2, 3 }, new double[] { 1, double.NaN, 3 })]
    [InlineData(new double[] { 1 }, new double[] { 1 })]
    public void RejectsInputALogFitCannotTake(double[] x, double[] y) =>
        Assert.Throws<ArgumentException>(() => PowerLawFit.LogLog(x, y));
}
