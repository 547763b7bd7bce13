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

    /// <summary>Most rounds of neighbour-of-neighbour exploration after the trees (NN-descent's local join).</summary>
    public int Rounds { get; init; } = 8;

    /// <summary>
    /// In each round, a sample tries the neighbours of its neighbours, each side taken as its first this many (forward)
    /// neighbours and up to this many samples that list it (reverse).
    /// </summary>
    public int Explore { get; init; } = 20;

    /// <summary>Exploration stops after a round that improved fewer than this share of the n·m list entries.</summary>
    public double StopBelow { get; init; } = 0.001;

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
                        Offer(nearest, cosines, null, m, i, j, c);
                        Offer(nearest, cosines, null, m, j, i, c);
                    }
                }
            });
        }
        Explore(unit, n, d, m, Math.Min(options.Explore, m), options, nearest, cosines);
        return (nearest, cosines);
    }

    /// <summary>
    /// NN-descent's local join (Dong, Charikar &amp; Li 2011, §2.2–2.3): each round, every sample tries the neighbours of
    /// its neighbours, "neighbours" meaning its first <paramref name="explore"/> list entries and up to as many samples that
    /// list it (reverse neighbours), and a pair is tried only when one of its two links is new since the last round (the
    /// others were tried then). Rounds stop when fewer than <see cref="NeighbourSearchOptions.StopBelow"/> of the entries
    /// changed.
    /// </summary>
    private static void Explore(float[] unit, int n, int d, int m, int explore, NeighbourSearchOptions options, int[] nearest, float[] cosines)
    {
        var fresh = new bool[(long)n * m];
        Array.Fill(fresh, true);
        // the round's snapshot of the lists and their flags, and the reverse lists: allocated once, rewritten every round
        var lists = new int[(long)n * m];
        var listsFresh = new bool[(long)n * m];
        var reverse = new ReverseLists(new int[n + 1], new int[(long)n * explore], new bool[(long)n * explore], new int[n]);
        // each worker's marks (stamp[k] == i: k already tried for i), kept across rounds: a worker handles the same samples
        // every round, and a candidate tried for i before either joined its list or fell below a threshold that only rises
        int workers = Math.Min(Environment.ProcessorCount, Math.Max(1, n / 1024));
        var stamps = new int[workers][];
        for (int round = 0; round < options.Rounds; round++)
        {
            Array.Copy(nearest, lists, lists.Length);
            Array.Copy(fresh, listsFresh, listsFresh.Length);
            Array.Clear(fresh);
            ReverseNeighbours(lists, listsFresh, n, m, explore, reverse);
            long updates = 0;
            Parallel.For(0, workers, worker =>
            {
                var stamp = stamps[worker];
                if (stamp is null)
                {
                    stamp = stamps[worker] = new int[n];
                    Array.Fill(stamp, -1);
                }
                var near = new int[2 * explore];
                var nearFresh = new bool[2 * explore];
                var far = new int[2 * explore];
                var farFresh = new bool[2 * explore];
                long changed = 0;
                for (int i = (int)((long)n * worker / workers); i < (int)((long)n * (worker + 1) / workers); i++)
                {
                    stamp[i] = i;
                    for (long p = (long)i * m; p < (long)i * m + m; p++)
                        if (lists[p] >= 0) stamp[lists[p]] = i;
                    var rowI = Row(unit, i, d);
                    int nearCount = Around(lists, listsFresh, reverse, i, m, explore, near, nearFresh);
                    for (int a = 0; a < nearCount; a++)
                    {
                        int j = near[a];
                        bool jFresh = nearFresh[a];
                        if (jFresh && stamp[j] != i)
                        {
                            stamp[j] = i;
                            if (Offer(nearest, cosines, fresh, m, i, j, Dot(rowI, Row(unit, j, d)))) changed++;
                        }
                        int farCount = Around(lists, listsFresh, reverse, j, m, explore, far, farFresh);
                        for (int b = 0; b < farCount; b++)
                        {
                            int k = far[b];
                            if (!(jFresh || farFresh[b]) || stamp[k] == i) continue;
                            stamp[k] = i;
                            if (Offer(nearest, cosines, fresh, m, i, k, Dot(rowI, Row(unit, k, d)))) changed++;
                        }
                    }
                }
                Interlocked.Add(ref updates, changed);
            });
            if (updates <= options.StopBelow * n * m) break;
        }
    }

    /// <summary>Reverse neighbours as CSR, each with whether its link is new, and the count scratch that fills them.</summary>
    private sealed record ReverseLists(int[] Start, int[] Members, bool[] Fresh, int[] Filled);

    /// <summary>
    /// Writes into <paramref name="samples"/> the first <paramref name="explore"/> forward neighbours of <paramref name="i"/>,
    /// then its reverse neighbours, and into <paramref name="linkFresh"/> whether each link is new; returns how many.
    /// </summary>
    private static int Around(int[] lists, bool[] fresh, ReverseLists reverse, int i, int m, int explore, int[] samples, bool[] linkFresh)
    {
        int count = 0;
        for (long p = (long)i * m; p < (long)i * m + explore; p++)
            if (lists[p] >= 0)
            {
                samples[count] = lists[p];
                linkFresh[count++] = fresh[p];
            }
        for (int p = reverse.Start[i]; p < reverse.Start[i + 1]; p++)
        {
            samples[count] = reverse.Members[p];
            linkFresh[count++] = reverse.Fresh[p];
        }
        return count;
    }

    /// <summary>
    /// Fills <paramref name="reverse"/>: for every sample, at most <paramref name="cap"/> samples that have it among their
    /// first <paramref name="cap"/> neighbours; which ones when more qualify is fixed by sample order, so the result is
    /// deterministic.
    /// </summary>
    private static void ReverseNeighbours(int[] lists, bool[] fresh, int n, int m, int cap, ReverseLists reverse)
    {
        var (start, members, linkFresh, filled) = reverse;
        Array.Clear(start);
        Array.Clear(filled);
        for (int j = 0; j < n; j++)
            for (long p = (long)j * m; p < (long)j * m + cap; p++)
                if (lists[p] is int i and >= 0 && start[i + 1] < cap) start[i + 1]++;
        for (int i = 0; i < n; i++) start[i + 1] += start[i];
        for (int j = 0; j < n; j++)
            for (long p = (long)j * m; p < (long)j * m + cap; p++)
                if (lists[p] is int i and >= 0 && start[i] + filled[i] < start[i + 1])
                {
                    members[start[i] + filled[i]] = j;
                    linkFresh[start[i] + filled[i]++] = fresh[p];
                }
    }

    /// <summary>
    /// Puts j into i's list (kept in descending cosine) when it beats the last entry and is not there yet; true when it did.
    /// <paramref name="fresh"/>, when given, moves with the entries and marks j's as new; the caller then guarantees that j
    /// is not in the list (the local join marks every entry it has seen).
    /// </summary>
    private static bool Offer(int[] nearest, float[] cosines, bool[]? fresh, int m, int i, int j, float cosine)
    {
        long start = (long)i * m;
        if (cosine <= cosines[start + m - 1]) return false;
        if (fresh is null)
            for (long p = start; p < start + m; p++)
                if (nearest[p] == j) return false;
        long at = start + m - 1;
        while (at > start && cosines[at - 1] < cosine)
        {
            cosines[at] = cosines[at - 1];
            nearest[at] = nearest[at - 1];
            if (fresh is not null) fresh[at] = fresh[at - 1];
            at--;
        }
        cosines[at] = cosine;
        nearest[at] = j;
        if (fresh is not null) fresh[at] = true;
        return true;
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
