using System.Text.Json;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Tests.Cluster;

public class MlNetKMeansTests
{
    [Fact]
    public void ReachesScikitLearnsInertiaAndLabelsOnThePlantedPoints()
    {
        var points = Npy.Read<float>(Path.Combine(ClusterFixtures.Data, "kmeans_points.npy"));
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ClusterFixtures.Data, "kmeans.json")));
        var sklearnLabels = document.RootElement.GetProperty("labels").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        double sklearnInertia = document.RootElement.GetProperty("inertia").GetDouble();

        var result = MlNetKMeans.Fit(points.Data, points.Rows, points.Columns, 6, new KMeansOptions { Restarts = 3, Seed = 2 });

        Assert.True(result.Inertia <= sklearnInertia * 1.001, $"inertia {result.Inertia} vs sklearn {sklearnInertia}");
        Assert.True(AdjustedRandIndex.Compute(sklearnLabels, result.Labels) > 0.99);
        Assert.All(result.Labels, l => Assert.InRange(l, 0, 5));
        double sum = 0;
        for (int i = 0; i < points.Rows; i++)
            for (int j = 0; j < points.Columns; j++)
            {
                double diff = points.Data[i * points.Columns + j] - result.Centers[result.Labels[i] * points.Columns + j];
                sum += diff * diff;
            }
        Assert.Equal(sum, result.Inertia, 1e-6 * sum);
    }

    [Fact]
    public void SameSeedGivesSameLabels()
    {
        var points = Npy.Read<float>(Path.Combine(ClusterFixtures.Data, "kmeans_points.npy"));
        var first = MlNetKMeans.Fit(points.Data, points.Rows, points.Columns, 6, new KMeansOptions { Restarts = 2, Seed = 9 });
        var second = MlNetKMeans.Fit(points.Data, points.Rows, points.Columns, 6, new KMeansOptions { Restarts = 2, Seed = 9 });
        Assert.Equal(first.Labels, second.Labels);
    }
}
