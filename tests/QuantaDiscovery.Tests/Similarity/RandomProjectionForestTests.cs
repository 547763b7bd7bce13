using QuantaDiscovery.Similarity;

namespace QuantaDiscovery.Tests.Similarity;

/// <summary>The approximate neighbour lists of the forest against brute force on planted clusters in 32 dimensions.</summary>
public class RandomProjectionForestTests
{
    private static float[] UnitRows(int n, int d, int clusters, int seed)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var centres = Enumerable.Range(0, clusters).Select(_ => Enumerable.Range(0, d).Select(_ => Gaussian()).ToArray()).ToArray();
        var unit = new float[n * d];
        for (int i = 0; i < n; i++)
        {
            var centre = centres[random.Next(clusters)];
            var row = unit.AsSpan(i * d, d);
            for (int c = 0; c < d; c++) row[c] = (float)(centre[c] + 0.7 * Gaussian());
            float norm = MathF.Sqrt(row.ToArray().Sum(x => x * x));
            foreach (ref var x in row) x /= norm;
        }
        return unit;
    }

    [Fact]
    public void FindsAlmostAllExactNeighboursAndIsDeterministic()
    {
        const int n = 3000, d = 32, m = 10;
        var unit = UnitRows(n, d, 30, seed: 8);
        var options = new NeighbourSearchOptions { Method = NeighbourSearch.Forest, Trees = 6, Seed = 3 };
        var (nearest, cosines) = RandomProjectionForest.Search(unit, n, d, m, options);
        var (again, _) = RandomProjectionForest.Search(unit, n, d, m, options);
        Assert.Equal(nearest, again);

        int found = 0;
        var cosine = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float dot = 0;
                for (int c = 0; c < d; c++) dot += unit[i * d + c] * unit[j * d + c];
                cosine[j] = j == i ? float.NegativeInfinity : dot;
            }
            var exact = Enumerable.Range(0, n).OrderByDescending(j => cosine[j]).Take(m).ToHashSet();
            var approximate = nearest.AsSpan(i * m, m).ToArray();
            Assert.DoesNotContain(i, approximate);
            Assert.Equal(m, approximate.Distinct().Count());
            for (int r = 0; r < m; r++)
            {
                Assert.Equal(cosine[approximate[r]], cosines[i * m + r], 1e-5f);     // the stored cosine is the true one
                if (r > 0) Assert.True(cosines[i * m + r] <= cosines[i * m + r - 1]);
            }
            found += approximate.Count(exact.Contains);
        }
        double recall = (double)found / (n * m);
        Assert.True(recall >= 0.95, $"recall {recall:F3}");

        // Without exploration rounds and with one tree the lists are clearly worse: the rounds do real work.
        var (single, _) = RandomProjectionForest.Search(unit, n, d, m, options with { Trees = 1, Rounds = 0 });
        Assert.NotEqual(nearest, single);
    }

    [Fact]
    public void AutoChoosesTheForestFromTheThreshold()
    {
        var options = new NeighbourSearchOptions();
        Assert.Equal(NeighbourSearch.Exact, options.Resolve(99_999));
        Assert.Equal(NeighbourSearch.Forest, options.Resolve(100_000));
        Assert.Equal(NeighbourSearch.Exact, (options with { Method = NeighbourSearch.Exact }).Resolve(1_000_000));
    }
}
