using QuantaDiscovery.Report;

namespace QuantaDiscovery.Tests.Report;

public class ClusterDescriptionTests
{
    [Fact]
    public void ADescriptionNamesTheCommonestTargetsPrecedingTextAndSetsWithTheirShares()
    {
        // Four samples: three predict "(" after "print", one predicts "\n" after "):"
        var samples = new QuantaSamples([0, 0, 1, 2], [3, 9, 4, 5], [7, 7, 7, 8], [0.01, 0.02, 0.03, 0.04],
            ["x = 1\nprint", "  print", "print", "def f():"], ["(", "(", "(", "\n"], ["Github", "Github", "Github", "ArXiv"]);
        var description = QuantaBrowser.Describe([0, 1, 2, 3], samples);
        Assert.Equal("predicts ‹(› 75%, ‹⏎› 25%; after ‹print› 75%, ‹():› 25%; Github 75%, ArXiv 25%", description);
    }
}
