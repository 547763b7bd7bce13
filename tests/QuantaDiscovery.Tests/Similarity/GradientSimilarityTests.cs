using QuantaDiscovery.Common;
using QuantaDiscovery.Similarity;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Similarity;

public class GradientSimilarityTests
{
    private static readonly string Data = TestPaths.InRepo("tests/QuantaDiscovery.Tests/Similarity/data");

    [Fact]
    public void Affinity_MatchesNumpyReference()
    {
        var g = Npy.Read<float>(Path.Combine(Data, "gradients.npy"));
        var expected = Npy.Read<float>(Path.Combine(Data, "affinity.npy"));
        var affinity = GradientSimilarity.Affinity(g.Data, g.Rows, g.Columns);
        Assert.Equal(expected.Data.Length, affinity.Length);
        for (int i = 0; i < affinity.Length; i++)
            Assert.True(Math.Abs(expected.Data[i] - affinity[i]) < 2e-4, $"entry {i}: numpy {expected.Data[i]}, ours {affinity[i]}");
        Assert.Equal(0f, affinity[2], 3);     // row 2 = −½ row 0
        Assert.Equal(0.5f, affinity[3 * 60 + 4], 5);
    }

    [Fact]
    public void MappedFileInColumnSlabs_EqualsInMemory()
    {
        var path = Path.Combine(Data, "gradients.npy");
        var g = Npy.Read<float>(path);
        var inMemory = GradientSimilarity.Affinity(g.Data, g.Rows, g.Columns);
        var mapped = GradientSimilarity.Affinity(path, out int samples, slabColumns: 70);
        Assert.Equal(g.Rows, samples);
        for (int i = 0; i < mapped.Length; i++)
            Assert.True(Math.Abs(inMemory[i] - mapped[i]) < 2e-4, $"entry {i}: {inMemory[i]} vs {mapped[i]}");
    }

    [Fact]
    public void ZeroRow_IsAnErrorNamingTheRowAndFile()
    {
        var folder = TestPaths.NewTempFolder();
        var path = Path.Combine(folder, "g.npy");
        var g = new float[4 * 3];
        for (int i = 0; i < g.Length; i++) g[i] = i + 1;
        g[6] = g[7] = g[8] = 0;
        Npy.Write<float>(path, g, 4, 3);
        var error = Assert.Throws<InputException>(() => GradientSimilarity.WriteAffinity(path, Path.Combine(folder, "a.npy")));
        Assert.Contains("row 2", error.Message);
        Assert.Contains(path, error.Message);
    }
}
