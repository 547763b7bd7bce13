using System.Text.Json;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Cluster;

/// <summary><see cref="ClusterQr"/> against scikit-learn's cluster_qr (fixtures by Cluster/data/make_cluster_qr_cases.py).</summary>
public class ClusterQrTests
{
    private static JsonElement Fixtures(string part)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ClusterFixtures.Data, "cluster_qr_cases.json")));
        return document.RootElement.GetProperty(part).Clone();
    }

    private static int[] Labels(JsonElement element) => element.GetProperty("labels").EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public static IEnumerable<object[]> DirectFiles => Fixtures("direct").EnumerateArray().Select(c => new object[] { c.GetProperty("file").GetString()! });

    public static IEnumerable<object[]> SpectralCases => Fixtures("spectral").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    [Theory]
    [MemberData(nameof(DirectFiles))]
    public void OnAnEmbedding_GivesSklearnsLabels(string file)
    {
        var expected = Labels(Fixtures("direct").EnumerateArray().Single(c => c.GetProperty("file").GetString() == file));
        var vectors = Npy.Read<double>(Path.Combine(ClusterFixtures.Data, file));
        using var scope = NewDisposeScope();
        var embedding = tensor(vectors.Data).reshape(vectors.Rows, vectors.Columns);
        Assert.Equal(expected, ClusterQr.Labels(embedding));
        // In float32, as the spectral embedding hands it over: the same partition.
        Assert.Equal(1.0, AdjustedRandIndex.Compute(expected, ClusterQr.Labels(embedding.to_type(ScalarType.Float32))), 12);
    }

    [Theory]
    [MemberData(nameof(SpectralCases))]
    public void SpectralClusteringWithClusterQr_MatchesSklearn(string name)
    {
        var expected = Fixtures("spectral").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var c = ClusterFixtures.Get(name);
        var labels = SpectralClustering.Fit(ClusterFixtures.Affinity(c), c.Clusters, new ClusteringOptions { AssignLabels = LabelAssignment.ClusterQrLabels });
        Assert.Equal(1.0, AdjustedRandIndex.Compute(Labels(expected), labels), 12);
    }

    [Fact]
    public void UnknownAssignment_IsAnInputException()
    {
        var error = Assert.Throws<InputException>(() => new ClusteringOptions { AssignLabels = "discretize" }.Validate());
        Assert.Contains("cluster_qr", error.Message);
    }
}
