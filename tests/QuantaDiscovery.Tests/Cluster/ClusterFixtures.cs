using System.Text.Json;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using QuantaDiscovery.Similarity;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Cluster;

/// <summary>The scikit-learn fixtures written by Cluster/data/make_cases.py.</summary>
public static class ClusterFixtures
{
    public static readonly string Data = TestPaths.InRepo("tests/QuantaDiscovery.Tests/Cluster/data");

    public sealed record Case(string Name, string File, string Kind, int Clusters, int[] Truth, int[] SklearnLabels, double SklearnAri);

    private static readonly Lazy<Case[]> Cases = new(() =>
    {
        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(Data, "cases.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(
            c.GetProperty("name").GetString()!, c.GetProperty("file").GetString()!, c.GetProperty("kind").GetString()!,
            c.GetProperty("clusters").GetInt32(),
            c.GetProperty("truth").EnumerateArray().Select(x => x.GetInt32()).ToArray(),
            c.GetProperty("sklearn_labels").EnumerateArray().Select(x => x.GetInt32()).ToArray(),
            c.GetProperty("sklearn_ari").GetDouble())).ToArray();
    });

    public static IEnumerable<object[]> CaseNames => Cases.Value.Select(c => new object[] { c.Name });

    public static Case Get(string name) => Cases.Value.Single(c => c.Name == name);

    /// <summary>The case's affinity: read directly, or built from its gradients as the pipeline does.</summary>
    public static AffinityMatrix Affinity(Case c)
    {
        var path = Path.Combine(Data, c.File);
        if (c.Kind == "affinity") return AffinityMatrix.Load(path);
        var affinity = GradientSimilarity.Affinity(path, out int samples);
        return AffinityMatrix.Create(affinity, samples, path);
    }
}
