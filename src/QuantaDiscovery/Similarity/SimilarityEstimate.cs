using QuantaDiscovery.Common;

namespace QuantaDiscovery.Similarity;

/// <summary>
/// Peak memory and time of <see cref="GradientSimilarity"/> before it runs, from (n, d, m, search), counted from the
/// arrays each route holds at its peak (bytes per element in brackets):
/// <list type="bullet">
/// <item>dense: the n × n cosines in float32 [4], their float64 copy for arccos [8], the float32 affinity [4] and its
/// managed copy [4] — 20 n² — plus the column slab, its copy and its tensor [12 n·min(d, 8192)] and the memory-mapped
/// gradient pages [4 n d];</item>
/// <item>m-NN graph: the normalised rows [4 n d], the directed lists [8 n m], per worker thread a 256 × n block of
/// cosines and its top-k scratch [8 · 256 n] (exact) or the lists' snapshot and new-link flags [6 n m], the reverse
/// lists [5 n e], per worker thread the join's marks [4 n] and the tree order and keys [8 n] (forest), then the symmetric union: both directions' entries [16 n m] and the validated copy [16 n m]; the .npz
/// writer streams.</item>
/// </list>
/// Times assume <see cref="MemoryBudget.FlopsPerSecond"/>.
/// </summary>
public static class SimilarityEstimate
{
    public static ResourceEstimate Dense(long n, long d)
    {
        long bytes = MemoryBudget.ProcessBaseBytes + 20 * n * n + 12 * n * Math.Min(d, GradientSimilarity.DefaultSlabColumns) + 4 * n * d;
        return new ResourceEstimate($"dense similarity, n = {n:N0}, d = {d:N0}", bytes, 2.0 * n * n * d / MemoryBudget.FlopsPerSecond + n * n * 2e-8);
    }

    public static ResourceEstimate Graph(long n, long d, long m, NeighbourSearchOptions? search = null)
    {
        search ??= new NeighbourSearchOptions();
        var method = search.Resolve((int)Math.Min(n, int.MaxValue));
        long threads = Environment.ProcessorCount;
        long common = MemoryBudget.ProcessBaseBytes + 4 * n * d + 8 * n * m + 32 * n * m;
        if (method == NeighbourSearch.Exact)
            return new ResourceEstimate($"m-NN graph (exact), n = {n:N0}, d = {d:N0}, m = {m}",
                common + threads * 8 * 256 * n, 2.0 * n * n * d / MemoryBudget.FlopsPerSecond);
        long leaf = search.LeafSize > 0 ? search.LeafSize : Math.Max(64, 2 * m);
        double depth = Math.Max(1, Math.Log2(Math.Max(2.0, n / (double)leaf)));
        // the local join tries up to (2e)² candidates per sample and round, a dot product [2d] and the bookkeeping [~64]
        // each; rounds thin out as fewer links are new, about 3 full rounds in all (measured at n = 100,000, e = 20)
        long explore = Math.Min(search.Explore, m);
        double joinRounds = Math.Min(search.Rounds, 3);
        double flops = 2.0 * n * d * search.Trees * (depth + leaf / 2.0) + joinRounds * n * (2.0 * explore) * (2.0 * explore) * (2.0 * d + 64);
        return new ResourceEstimate($"m-NN graph (random-projection forest, {search.Trees} trees), n = {n:N0}, d = {d:N0}, m = {m}",
            common + 6 * n * m + 5 * n * explore + (4 + 8) * n * threads, flops / MemoryBudget.FlopsPerSecond);
    }

    /// <summary>What to suggest when a similarity of n rows does not fit: the largest m of a graph that does, if any.</summary>
    public static string LargestFitting(long n, long d, long budget, NeighbourSearchOptions? search = null)
    {
        var m = MemoryBudget.LargestFitting(1, (int)Math.Min(n - 1, 1000), budget, k => Graph(n, d, k, search).PeakBytes);
        return m is { } fits ? $"an m-nearest-neighbour graph fits up to m = {fits} (knn = {Math.Min(fits, 30)})"
            : $"not even a 1-nearest-neighbour graph of {n:N0} × {d:N0} fits: project the gradients to fewer columns";
    }
}
