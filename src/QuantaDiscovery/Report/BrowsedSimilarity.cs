using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Report;

/// <summary>
/// The similarity the browser reads: the dense matrix of <c>quanta similarity</c> (.npy [n, n]) or the sparse nearest-neighbour
/// graph of <c>quanta similarity --knn</c> (.npz), in which absent entries count as 0.
/// </summary>
public sealed class BrowsedSimilarity
{
    /// <summary>The dense matrix (row-major n × n), or null for a graph.</summary>
    public float[]? Dense { get; }

    /// <summary>The sparse graph, or null for a dense matrix.</summary>
    public SparseAffinity? Graph { get; }

    public int Samples { get; }

    private BrowsedSimilarity(float[]? dense, SparseAffinity? graph, int samples)
    {
        Dense = dense;
        Graph = graph;
        Samples = samples;
    }

    public static BrowsedSimilarity Of(float[] dense, int samples) => new(dense, null, samples);

    public static BrowsedSimilarity Of(SparseAffinity graph) => new(null, graph, graph.Size);

    /// <summary>Reads a .npz graph or a dense .npy, checking it has one row per sample of <paramref name="samplesPath"/>.</summary>
    public static BrowsedSimilarity Read(string path, int samples, string samplesPath)
    {
        if (!Affinity.IsSparseFile(path))
            return Of(QuantaBrowser.ReadSimilarity(path, samples, samplesPath), samples);
        var graph = SparseAffinity.Load(path);
        if (graph.Size != samples)
            throw new InputException($"the graph has {graph.Size} samples but {samplesPath} holds {samples}", path);
        return Of(graph);
    }

    /// <summary>Σ A_ij over the members j ≠ i of i's cluster (<paramref name="members"/>; <paramref name="labels"/> gives every sample's cluster).</summary>
    public double SumToOthers(int i, IReadOnlyList<int> members, IReadOnlyList<int> labels)
    {
        double sum = 0;
        if (Graph is { } graph)
        {
            for (int p = graph.RowStarts[i]; p < graph.RowStarts[i + 1]; p++)
                if (graph.Columns[p] != i && labels[graph.Columns[p]] == labels[i]) sum += graph.Values[p];
            return sum;
        }
        var row = Dense.AsSpan((int)((long)i * Samples), Samples);
        foreach (var j in members) if (j != i) sum += row[j];
        return sum;
    }

    /// <inheritdoc cref="SimilarityHeatmap.BlockAverage(ReadOnlySpan{float}, int, IReadOnlyList{int}, int)"/>
    public double[,] BlockAverage(IReadOnlyList<int> order, int cells) => Graph is { } graph
        ? SimilarityHeatmap.BlockAverage(graph, order, cells)
        : SimilarityHeatmap.BlockAverage(Dense, Samples, order, cells);
}
