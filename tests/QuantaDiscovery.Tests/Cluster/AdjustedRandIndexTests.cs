using System.Text.Json;
using QuantaDiscovery.Cluster;

namespace QuantaDiscovery.Tests.Cluster;

public class AdjustedRandIndexTests
{
    [Fact]
    public void MatchesSklearnAdjustedRandScore()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ClusterFixtures.Data, "ari_cases.json")));
        int checkedCases = 0;
        foreach (var c in document.RootElement.EnumerateArray())
        {
            var a = c.GetProperty("a").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            var b = c.GetProperty("b").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            Assert.Equal(c.GetProperty("ari").GetDouble(), AdjustedRandIndex.Compute(a, b), 12);
            checkedCases++;
        }
        Assert.Equal(7, checkedCases);
    }

    [Fact]
    public void IsSymmetricAndOneForRenamedPartitions()
    {
        int[] a = [0, 0, 1, 1, 2, 2, 2], b = [5, 5, 3, 3, 9, 9, 9], c = [0, 1, 0, 1, 0, 1, 1];
        Assert.Equal(1.0, AdjustedRandIndex.Compute(a, b), 12);
        Assert.Equal(AdjustedRandIndex.Compute(a, c), AdjustedRandIndex.Compute(c, a), 12);
        Assert.True(AdjustedRandIndex.Compute(a, c) < 0.2);
    }
}
