using System.Text.Json;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Tests.Cluster;

public class KMeansTests
{
    private static (NpyArray<float> Points, double Inertia, int[] Labels) Reference()
    {
        var points = Npy.Read<float>(Path.Combine(ClusterFixtures.Data, "kmeans_points.npy"));
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ClusterFixtures.Data, "kmeans.json")));
        var labels = document.RootElement.GetProperty("labels").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        return (points, document.RootElement.GetProperty("inertia").GetDouble(), labels);
    }

    [Fact]
    public void Inertia_IsAsLowAsSklearns()
    {
        var (points, sklearnInertia, sklearnLabels) = Reference();
        var result = KMeans.Fit(points.Data, points.Rows, points.Columns, 6, new KMeansOptions { Restarts = 10 });
        Assert.True(result.Inertia <= sklearnInertia * (1 + 1e-4), $"inertia {result.Inertia} vs sklearn {sklearnInertia}");
        Assert.True(AdjustedRandIndex.Compute(sklearnLabels, result.Labels) > 0.99);
        Assert.Equal(6 * 3, result.Centers.Length);
    }

    [Fact]
    public void SameSeed_SameLabels_OtherSeed_StillValid()
    {
        var (points, _, _) = Reference();
        var first = KMeans.Fit(points.Data, points.Rows, points.Columns, 6, new KMeansOptions { Restarts = 3, Seed = 4 });
        var second = KMeans.Fit(points.Data, points.Rows, points.Columns, 6, new KMeansOptions { Restarts = 3, Seed = 4 });
        Assert.Equal(first.Labels, second.Labels);
        Assert.Equal(first.Inertia, second.Inertia);
        Assert.All(first.Labels, l => Assert.InRange(l, 0, 5));
    }

    [Fact]
    public void InertiaIsTheSumOfSquaredDistancesToTheAssignedCentres()
    {
        var (points, _, _) = Reference();
        var result = KMeans.Fit(points.Data, points.Rows, points.Columns, 6, new KMeansOptions { Restarts = 2 });
        double sum = 0;
        for (int i = 0; i < points.Rows; i++)
            for (int j = 0; j < 3; j++)
            {
                double diff = points.Data[i * 3 + j] - result.Centers[result.Labels[i] * 3 + j];
                sum += diff * diff;
            }
        Assert.Equal(sum, result.Inertia, 1e-3 * sum);
    }

    [Fact]
    public void FitLeavesItsInputUntouched()
    {
        var (points, _, _) = Reference();
        var copy = points.Data.ToArray();
        KMeans.Fit(points.Data, points.Rows, points.Columns, 6, new KMeansOptions { Restarts = 2 });
        Assert.Equal(copy, points.Data);
    }
}
