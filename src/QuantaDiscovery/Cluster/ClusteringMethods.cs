using QuantaDiscovery.Common;

namespace QuantaDiscovery.Cluster;

/// <summary>The clustering methods users can choose by name. Adding one: implement <see cref="IClusteringMethod"/> in Cluster/ and list it here.</summary>
public static class ClusteringMethods
{
    public const string Default = SpectralClusteringMethod.MethodName;

    public static IReadOnlyList<IClusteringMethod> All { get; } = [new SpectralClusteringMethod()];

    public static IEnumerable<string> Names => All.Select(m => m.Name);

    public static IClusteringMethod Get(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new InputException($"unknown clustering method '{name}' (methods: {string.Join(", ", Names)})");
}
