using QuantaDiscovery.Common;
using TorchSharp;
using static TorchSharp.torch;
using static QuantaDiscovery.Common.Scalars;

namespace QuantaDiscovery.Cluster;

/// <summary>Parameters of <see cref="KMeans.Fit"/>, named as in scikit-learn's <c>KMeans</c>.</summary>
public sealed record KMeansOptions
{
    /// <summary>n_init: independent k-means++ starts; the run with the lowest inertia is kept.</summary>
    public int Restarts { get; init; } = 10;

    /// <summary>max_iter: Lloyd iterations per start.</summary>
    public int MaxIterations { get; init; } = 300;

    /// <summary>tol: relative tolerance; a run stops once the summed squared centre shift is ≤ tol × mean per-feature variance.</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Seed of every random choice; equal seeds give equal results.</summary>
    public int Seed { get; init; }
}

/// <summary>The best k-means run: labels (one per sample), centres (clusters × features, row-major), inertia.</summary>
public sealed record KMeansResult(int[] Labels, float[] Centers, double Inertia, int Iterations);

/// <summary>
/// k-means with scikit-learn's semantics (<c>KMeans(init="k-means++", algorithm="lloyd")</c>): greedy
/// k-means++ seeding (Arthur &amp; Vassilvitskii 2007) that draws 2 + ⌊ln k⌋ candidates per centre from the
/// D² distribution and keeps the one that lowers the potential most, then Lloyd iterations until the labels
/// stop changing or the centres move less than the tolerance, empty clusters being given the points
/// farthest from their centres. Distances are ‖c‖² − 2 x·c, so each iteration is one float32 GEMM (libtorch).
/// </summary>
public static class KMeans
{
    public static KMeansResult Fit(float[] points, int samples, int features, int clusters, KMeansOptions? options = null)
    {
        options ??= new KMeansOptions();
        CheckArguments(points, samples, features, clusters, options);
        return TorchThreads.SingleThreaded(() =>
        {
            using var scope = NewDisposeScope();
            return FitSingleThreaded(tensor(points).reshape(samples, features), clusters, options);
        });
    }

    /// <summary>k-means of the rows of <paramref name="points"/> [samples, features], which it centres in place (no other copy is made).</summary>
    internal static KMeansResult Fit(Tensor points, int clusters, KMeansOptions options)
    {
        if (clusters < 1 || clusters > points.shape[0])
            throw new ArgumentOutOfRangeException(nameof(clusters), $"clusters must be in [1, {points.shape[0]}], got {clusters}");
        if (options.Restarts < 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"Restarts (n_init) must be at least 1, got {options.Restarts}");
        return TorchThreads.SingleThreaded(() =>
        {
            using var scope = NewDisposeScope();
            return FitSingleThreaded(points, clusters, options);
        });
    }

    /// <summary>
    /// Restarts run in parallel on .NET threads (as many as the caller's libtorch thread count), each with one libtorch thread; the best is chosen in
    /// seed order. Every n-row pass goes a few thousand rows at a time, so no restart holds an n × k temporary.
    /// </summary>
    private static KMeansResult FitSingleThreaded(Tensor x, int clusters, KMeansOptions options)
    {
        // Centre the data as scikit-learn does: distances are unchanged and ‖c‖² − 2x·c loses fewer digits.
        var mean = x.mean([0L], type: ScalarType.Float64);
        x.sub_(mean.to_type(ScalarType.Float32));
        var squaredNorms = empty(x.shape[0], ScalarType.Float32);
        var squareSums = zeros(x.shape[1], ScalarType.Float64);
        ForRowChunks(x, (start, rows) =>
        {
            squaredNorms.narrow(0, start, rows.shape[0]).copy_(rows.pow(Two).sum(1));
            squareSums.add_(rows.pow(Two).sum(0, type: ScalarType.Float64));
        });
        double tolerance = options.Tolerance * squareSums.div(x.shape[0]).sub_(x.mean([0L], type: ScalarType.Float64).pow(Two)).mean().item<double>();

        var random = new Random(options.Seed);
        var seeds = Enumerable.Range(0, options.Restarts).Select(_ => random.Next()).ToArray();
        var runs = new Run[seeds.Length];
        TorchThreads.For(seeds.Length, r =>
        {
            using var restart = NewDisposeScope();
            var centers = PlusPlus(x, squaredNorms, clusters, new Random(seeds[r]));
            var run = Lloyd(x, centers, options.MaxIterations, tolerance);
            runs[r] = run with { Centers = run.Centers.DetachFromDisposeScope() };
        });
        Run? best = null;
        foreach (var run in runs)
            if (best is null || (run.Inertia < best.Inertia && !SameClustering(run.Labels, best.Labels, clusters)))
                best = run;
        var bestCenters = best!.Centers.to_type(ScalarType.Float64).add_(mean, One).to_type(ScalarType.Float32);
        var result = new KMeansResult(best.Labels, bestCenters.contiguous().data<float>().ToArray(), best.Inertia, best.Iterations);
        foreach (var run in runs) run.Centers.Dispose();
        return result;
    }

    /// <summary>Bytes of one chunk's widest temporary: below glibc's 8 MiB mapping threshold under <c>quanta cluster</c>, so reused.</summary>
    private const long ChunkBytes = 4L << 20;

    /// <summary>
    /// Calls <paramref name="action"/> with (first row, rows) for consecutive blocks of rows, freeing each block's temporaries;
    /// a block's rows × <paramref name="width"/> float32 temporary (width: the wider of the features and the clusters) stays near <see cref="ChunkBytes"/>.
    /// </summary>
    private static void ForRowChunks(Tensor x, Action<long, Tensor> action, long width = 0)
    {
        long n = x.shape[0];
        long rows = Math.Clamp(ChunkBytes / (4 * Math.Max(width, x.shape[1])), 64, 1 << 14);
        for (long start = 0; start < n; start += rows)
        {
            using var chunk = NewDisposeScope();
            action(start, x.narrow(0, start, Math.Min(rows, n - start)));
        }
    }

    /// <summary>The checks every k-means implementation makes on its inputs.</summary>
    internal static void CheckArguments(float[] points, int samples, int features, int clusters, KMeansOptions options)
    {
        if ((long)samples * features != points.Length)
            throw new ArgumentException($"{points.Length} values do not form a {samples} × {features} matrix");
        if (clusters < 1 || clusters > samples)
            throw new ArgumentOutOfRangeException(nameof(clusters), $"clusters must be in [1, {samples}], got {clusters}");
        if (options.Restarts < 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"Restarts (n_init) must be at least 1, got {options.Restarts}");
    }

    private sealed record Run(int[] Labels, Tensor Centers, double Inertia, int Iterations);

    /// <summary>Greedy k-means++ (scikit-learn's <c>_kmeans_plusplus</c> with n_local_trials = 2 + ⌊ln k⌋).</summary>
    private static Tensor PlusPlus(Tensor x, Tensor squaredNorms, int clusters, Random random)
    {
        int n = (int)x.shape[0];
        int trials = 2 + (int)Math.Log(clusters);
        var chosen = new long[clusters];
        chosen[0] = random.Next(n);
        var closest = SquaredDistances(x, squaredNorms, [chosen[0]]).squeeze(0);
        double potential = closest.sum().item<double>();
        var cumulative = new double[n];
        for (int c = 1; c < clusters; c++)
        {
            using var step = NewDisposeScope();
            closest.cumsum(0).data<double>().CopyTo(cumulative, 0);
            var candidates = new long[trials];
            for (int t = 0; t < trials; t++)
            {
                int index = Array.BinarySearch(cumulative, random.NextDouble() * potential);
                // Like numpy.searchsorted(side="left"): the first index whose cumulative sum is ≥ the draw.
                if (index < 0) index = ~index;
                else while (index > 0 && cumulative[index - 1] == cumulative[index]) index--;
                candidates[t] = Math.Min(index, n - 1);
            }
            var distances = minimum(SquaredDistances(x, squaredNorms, candidates), closest.unsqueeze(0));
            var potentials = distances.sum(1);
            int winner = (int)potentials.argmin().item<long>();
            potential = potentials[winner].item<double>();
            closest.copy_(distances[winner]);
            chosen[c] = candidates[winner];
        }
        return x.index_select(0, tensor(chosen));
    }

    /// <summary>Squared distances (float64, rows = the given samples) from samples of x to all of x.</summary>
    private static Tensor SquaredDistances(Tensor x, Tensor squaredNorms, long[] rows)
    {
        var index = tensor(rows);
        var products = mm(x.index_select(0, index), x.t());
        return products.mul_(MinusTwo).add_(squaredNorms.unsqueeze(0), One).add_(squaredNorms.index_select(0, index).unsqueeze(1), One)
            .clamp_min_(Zero).to_type(ScalarType.Float64);
    }

    private static Run Lloyd(Tensor x, Tensor centers, int maxIterations, double tolerance)
    {
        int n = (int)x.shape[0], k = (int)centers.shape[0];
        Tensor? previousLabels = null;
        Tensor labels = null!;
        bool strictConvergence = false;
        int iteration = 0;
        while (iteration < maxIterations)
        {
            iteration++;
            double shift;
            // Each iteration's temporaries (an n × k distance matrix among them) are freed at its end.
            using (var step = NewDisposeScope())
            {
                labels = Assign(x, centers);
                var counts = bincount(labels, minlength: k).to_type(ScalarType.Float32);
                var sums = zeros(k, x.shape[1], ScalarType.Float32).index_add_(0, labels, x, One);
                RelocateEmptyClusters(x, centers, labels, counts, sums);
                var updated = sums.div_(counts.clamp_min(One).unsqueeze(1));
                shift = updated.sub(centers).pow(Two).sum(type: ScalarType.Float64).item<double>();
                strictConvergence = previousLabels is not null && labels.eq(previousLabels).all().item<bool>();
                centers = updated.MoveToOuterDisposeScope();
                labels.MoveToOuterDisposeScope();
            }
            if (strictConvergence || shift <= tolerance) break;
            previousLabels = labels;
        }
        // As scikit-learn does: unless the labels were stable, reassign them to the final centres.
        if (!strictConvergence) labels = Assign(x, centers);
        double inertia = DistancesToOwnCentre(x, centers, labels).sum(type: ScalarType.Float64).item<double>();
        var labelArray = labels.to_type(ScalarType.Int32).data<int>().ToArray();
        return new Run(labelArray, centers, inertia, iteration);
    }

    private static Tensor Assign(Tensor x, Tensor centers)
    {
        var labels = empty(x.shape[0], ScalarType.Int64);
        var centerNorms = centers.pow(Two).sum(1).unsqueeze(0);
        ForRowChunks(x, (start, rows) =>
            labels.narrow(0, start, rows.shape[0]).copy_(addmm(centerNorms, rows, centers.t(), beta: 1, alpha: -2).argmin(1)), centers.shape[0]);
        return labels;
    }

    /// <summary>‖x_i − c_label(i)‖² for every row.</summary>
    private static Tensor DistancesToOwnCentre(Tensor x, Tensor centers, Tensor labels)
    {
        var distances = empty(x.shape[0], ScalarType.Float32);
        ForRowChunks(x, (start, rows) =>
            distances.narrow(0, start, rows.shape[0]).copy_(rows.sub(centers.index_select(0, labels.narrow(0, start, rows.shape[0]))).pow(Two).sum(1)));
        return distances;
    }

    /// <summary>
    /// scikit-learn's <c>_relocate_empty_clusters_dense</c>: each empty cluster takes one of the points
    /// farthest from their (old) centres, which leaves the cluster it came from.
    /// </summary>
    private static void RelocateEmptyClusters(Tensor x, Tensor oldCenters, Tensor labels, Tensor counts, Tensor sums)
    {
        var empty = nonzero(counts.eq(Zero)).squeeze(1).data<long>().ToArray();
        if (empty.Length == 0) return;
        var distances = DistancesToOwnCentre(x, oldCenters, labels);
        var farthest = distances.topk(empty.Length).indexes.data<long>().ToArray();
        var labelOf = labels.data<long>();
        for (int i = 0; i < empty.Length; i++)
        {
            long point = farthest[i], from = labelOf[point], to = empty[i];
            sums[from].sub_(x[point]);
            sums[to].copy_(x[point]);
            counts[to].fill_(One);
            counts[from].sub_(One);
        }
    }

    /// <summary>Whether two labelings are the same partition up to renaming the clusters.</summary>
    private static bool SameClustering(int[] a, int[] b, int clusters)
    {
        var mapping = new int[clusters];
        Array.Fill(mapping, -1);
        for (int i = 0; i < a.Length; i++)
        {
            if (mapping[a[i]] == -1) mapping[a[i]] = b[i];
            else if (mapping[a[i]] != b[i]) return false;
        }
        return true;
    }
}
