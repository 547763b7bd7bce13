using System.Numerics;
using System.Runtime.InteropServices;

namespace QuantaDiscovery.Similarity;

/// <summary>How the m nearest neighbours of every sample are found.</summary>
public enum NeighbourSearch
{
    /// <summary><see cref="Forest"/> from <see cref="NeighbourSearchOptions.ForestFrom"/> samples on, else <see cref="Exact"/>.</summary>
    Auto,

    /// <summary>Every pair compared (blocks of rows against all rows): O(n² d).</summary>
    Exact,

    /// <summary>A <see cref="RandomProjectionForest"/>: approximate, O(n d (trees · (log n + leaf) + explored)).</summary>
    Forest,
}

/// <summary>Settings of the nearest-neighbour search behind the m-NN similarity graph.</summary>
public sealed record NeighbourSearchOptions
{
    public NeighbourSearch Method { get; init; } = NeighbourSearch.Auto;

    /// <summary>With <see cref="NeighbourSearch.Auto"/>, the forest is used from this many samples on.</summary>
    public int ForestFrom { get; init; } = 100_000;

    /// <summary>Trees of the forest: each adds one candidate leaf per sample.</summary>
    public int Trees { get; init; } = 8;

    /// <summary>Most samples in a leaf; 0: max(64, 2m).</summary>
    public int LeafSize { get; init; }

    /// <summary>Rounds of neighbour-of-neighbour exploration after the trees (NN-descent's local join, one direction).</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>In each round, the first this many neighbours of each of a sample's first this many neighbours are tried.</summary>
    public int Explore { get; init; } = 10;

    public int Seed { get; init; }

    public NeighbourSearch Resolve(int samples) =>
        Method != NeighbourSearch.Auto ? Method : samples >= ForestFrom ? NeighbourSearch.Forest : NeighbourSearch.Exact;
}

/// <summary>
/// Approximate m nearest neighbours by cosine of unit rows: a forest of random-projection trees (Dasgupta &amp; Freund 2008,
/// "Random projection trees and low dimensional manifolds"; the cosine variant of Annoy, whose hyperplane is normal to the
/// difference of two random samples of the node) gives every sample the members of its leaf in each tree as candidates,
/// then rounds of neighbour-of-neighbour exploration (Dong, Charikar &amp; Li 2011, "Efficient k-nearest neighbor graph
/// construction for generic similarity measures") improve the lists. Nodes split at the median of the projections, so
/// every tree is balanced and its leaves hold between LeafSize/2 and LeafSize samples. Deterministic for a seed: trees are
/// built one after another from one random stream, and each sample's list is only written by the one thread that handles it.
/// </summary>
public static class RandomProjectionForest
{
    /// <summary>
    /// For each of the n unit rows of <paramref name="unit"/> ([n, d] row-major), its m most similar other rows: indexes
    /// and cosines, row i's at [i·m, (i+1)·m), in descending cosine.
    /// </summary>
    public static (int[] Nearest, float[] Cosines) Search(float[] unit, int n, int d, int neighbours, NeighbourSearchOptions options)
    {
        int m = neighbours;
        int leafSize = options.LeafSize > 0 ? options.LeafSize : Math.Max(64, 2 * m);
        if (leafSize <= m) throw new ArgumentOutOfRangeException(nameof(options), leafSize, $"leaf size must exceed m = {m}");
        var nearest = new int[(long)n * m];
        var cosines = new float[(long)n * m];
        Array.Fill(nearest, -1);
        Array.Fill(cosines, float.NegativeInfinity);
        var random = new Random(options.Seed);
        var order = new int[n];
        var keys = new float[n];
        var direction = new float[d];
        for (int tree = 0; tree < options.Trees; tree++)
        {
            for (int i = 0; i < n; i++) order[i] = i;
            var leaves = new List<(int Start, int Length)>();
            var pending = new Stack<(int Start, int Length)>();
            pending.Push((0, n));
            while (pending.Count > 0)
            {
                var (start, length) = pending.Pop();
                if (length <= leafSize)
                {
                    leaves.Add((start, length));
                    continue;
                }
                int a = order[start + random.Next(length)], b = order[start + random.Next(length)];
                var rowA = Row(unit, a, d);
                var rowB = Row(unit, b, d);
                for (int c = 0; c < d; c++) direction[c] = rowA[c] - rowB[c];
                if (a == b || Dot(direction, direction) == 0)
                    for (int c = 0; c < d; c++) direction[c] = (float)(random.NextDouble() * 2 - 1);
                var dir = direction;
                if (length >= 4096)
                    Parallel.For(start, start + length, p => keys[p] = Dot(dir, Row(unit, order[p], d)));
                else
                    for (int p = start; p < start + length; p++) keys[p] = Dot(dir, Row(unit, order[p], d));
                Array.Sort(keys, order, start, length);
                int half = length / 2;
                pending.Push((start + half, length - half));
                pending.Push((start, half));
            }
            Parallel.ForEach(leaves, leaf =>
            {
                for (int p = leaf.Start; p < leaf.Start + leaf.Length; p++)
                {
                    int i = order[p];
                    var rowI = Row(unit, i, d);
                    for (int q = p + 1; q < leaf.Start + leaf.Length; q++)
                    {
                        int j = order[q];
                        float c = Dot(rowI, Row(unit, j, d));
                        Offer(nearest, cosines, m, i, j, c);
                        Offer(nearest, cosines, m, j, i, c);
                    }
                }
            });
        }
        int explore = Math.Min(options.Explore, m);
        for (int round = 0; round < options.Rounds; round++)
        {
            var snapshot = (int[])nearest.Clone();
            Parallel.For(0, n, () => new HashSet<int>(), (i, _, tried) =>
            {
                tried.Clear();
                var rowI = Row(unit, i, d);
                long own = (long)i * m;
                for (int r = 0; r < explore; r++)
                {
                    int j = snapshot[own + r];
                    if (j < 0) continue;
                    for (int s = 0; s < explore; s++)
                    {
                        int k = snapshot[(long)j * m + s];
                        if (k < 0 || k == i || !tried.Add(k)) continue;
                        Offer(nearest, cosines, m, i, k, Dot(rowI, Row(unit, k, d)));
                    }
                }
                return tried;
            }, _ => { });
        }
        return (nearest, cosines);
    }

    /// <summary>Puts j into i's list (kept in descending cosine) when it beats the last entry and is not there yet.</summary>
    private static void Offer(int[] nearest, float[] cosines, int m, int i, int j, float cosine)
    {
        long start = (long)i * m;
        if (cosine <= cosines[start + m - 1]) return;
        for (long p = start; p < start + m; p++)
            if (nearest[p] == j) return;
        long at = start + m - 1;
        while (at > start && cosines[at - 1] < cosine)
        {
            cosines[at] = cosines[at - 1];
            nearest[at] = nearest[at - 1];
            at--;
        }
        cosines[at] = cosine;
        nearest[at] = j;
    }

    private static ReadOnlySpan<float> Row(float[] unit, int i, int d) => unit.AsSpan().Slice(i * d, d);

    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        var sum = Vector<float>.Zero;
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        for (int v = 0; v < vx.Length; v++) sum += vx[v] * vy[v];
        int c = vx.Length * Vector<float>.Count;
        float total = Vector.Sum(sum);
        for (; c < x.Length; c++) total += x[c] * y[c];
        return total;
    }
}
