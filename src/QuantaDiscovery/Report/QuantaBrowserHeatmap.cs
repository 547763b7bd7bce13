using QuantaDiscovery.Cluster;
using ScottPlot;

namespace QuantaDiscovery.Report;

/// <summary>The similarity matrix with samples ordered by cluster, block-averaged down to a displayable size.</summary>
public static class SimilarityHeatmap
{
    /// <summary>
    /// Averages the n × n matrix <paramref name="affinity"/> (row-major), rows and columns taken in <paramref name="order"/>, over
    /// m × m blocks with m = min(n, <paramref name="cells"/>); block i covers ordered samples ⌊i·n/m⌋ .. ⌊(i+1)·n/m⌋ − 1.
    /// </summary>
    public static double[,] BlockAverage(ReadOnlySpan<float> affinity, int n, IReadOnlyList<int> order, int cells)
    {
        if (affinity.Length != (long)n * n) throw new ArgumentException($"{affinity.Length} values for an {n} × {n} matrix", nameof(affinity));
        if (order.Count != n) throw new ArgumentException($"the order lists {order.Count} samples, not {n}", nameof(order));
        var (block, count) = Blocks(n, cells);
        int m = count.Length;
        var sums = new double[m, m];
        var rowSums = new double[m];
        for (int p = 0; p < n; p++)
        {
            var row = affinity.Slice(order[p] * n, n);
            Array.Clear(rowSums);
            for (int q = 0; q < n; q++) rowSums[block[q]] += row[order[q]];
            int bp = block[p];
            for (int bq = 0; bq < m; bq++) sums[bp, bq] += rowSums[bq];
        }
        return Averages(sums, count);
    }

    /// <summary>The same block averages of a sparse affinity, absent entries counting as 0: O(nnz + m²).</summary>
    public static double[,] BlockAverage(SparseAffinity graph, IReadOnlyList<int> order, int cells)
    {
        int n = graph.Size;
        if (order.Count != n) throw new ArgumentException($"the order lists {order.Count} samples, not {n}", nameof(order));
        var (block, count) = Blocks(n, cells);
        var position = new int[n];
        for (int p = 0; p < n; p++) position[order[p]] = p;
        var sums = new double[count.Length, count.Length];
        for (int i = 0; i < n; i++)
            for (int e = graph.RowStarts[i]; e < graph.RowStarts[i + 1]; e++)
                sums[block[position[i]], block[position[graph.Columns[e]]]] += graph.Values[e];
        return Averages(sums, count);
    }

    /// <summary>m = min(n, cells) blocks: the block of each ordered position, and the size of each block.</summary>
    private static (int[] Block, long[] Count) Blocks(int n, int cells)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cells, 1);
        int m = Math.Min(n, cells);
        var block = new int[n];
        var count = new long[m];
        for (int b = 0; b < m; b++)
            for (int p = (int)((long)b * n / m); p < (int)((long)(b + 1) * n / m); p++) { block[p] = b; count[b]++; }
        return (block, count);
    }

    private static double[,] Averages(double[,] sums, long[] count)
    {
        for (int i = 0; i < count.Length; i++)
            for (int j = 0; j < count.Length; j++)
                sums[i, j] /= count[i] * count[j];
        return sums;
    }

    /// <summary>
    /// Saves the block-averaged matrix as a PNG heatmap (row 0 at the top), with lines between clusters when there are few enough
    /// to see them.
    /// </summary>
    /// <param name="boundaries">ordered-sample indices where a new cluster starts (excluding 0)</param>
    public static void Save(string pngPath, double[,] blocks, int samples, IReadOnlyList<int> boundaries, string title, int size = 900)
    {
        using var plot = new Plot();
        plot.Title(title);
        var heatmap = plot.Add.Heatmap(blocks);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // Data coordinates in samples: x runs right, y runs down, as in a printed matrix.
        heatmap.Extent = new CoordinateRect(0, samples, 0, samples);
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = "affinity";
        if (boundaries.Count <= 60)
            foreach (var start in boundaries)
            {
                var vertical = plot.Add.VerticalLine(start, 0.6f, Colors.White.WithAlpha(0.7));
                var horizontal = plot.Add.HorizontalLine(start, 0.6f, Colors.White.WithAlpha(0.7));
                vertical.LinePattern = horizontal.LinePattern = LinePattern.Solid;
            }
        plot.XLabel("sample, ordered by cluster (largest first)");
        plot.YLabel("sample, ordered by cluster (largest first)");
        plot.Axes.SetLimits(0, samples, samples, 0);
        plot.SavePng(pngPath, size + 120, size);
    }
}
