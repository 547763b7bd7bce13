using System.Diagnostics;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using QuantaDiscovery.Gradients;
using QuantaDiscovery.Report;
using QuantaDiscovery.Select;
using QuantaDiscovery.Similarity;

namespace QuantaDiscovery.Qdg;

/// <summary>Settings of <see cref="QdgRun.RunAsync"/>: one per stage, defaults the paper's.</summary>
public sealed record QdgOptions
{
    public TokenSelectionOptions Selection { get; init; } = new();
    public GradientOptions Gradients { get; init; } = new();

    /// <summary>
    /// Cluster counts: "400", a list "100,200,400" or a range "100:400:100" (see <see cref="Cluster.ClusterCounts.Parse"/>);
    /// null: the paper's ratio of one cluster per 25 samples (400 for 10,000), swept over K/4, K/2, 3K/4 and K so that the
    /// rank-frequency envelope has several clusterings.
    /// </summary>
    public string? Clusters { get; init; }

    /// <summary>
    /// m of the sparse similarity graph, each token keeping its m largest affinities (<see cref="GradientSimilarity.NearestNeighbourAffinity(string, int, NeighbourSearchOptions?)"/>);
    /// null: the dense n × n affinity up to <see cref="DenseSampleLimit"/> tokens, the graph with <see cref="DefaultNeighbours"/> beyond.
    /// </summary>
    public int? Neighbours { get; init; }

    /// <summary>Above this many tokens the dense affinity (n² floats: 1.6 GB at 20,000) gives way to the nearest-neighbour graph.</summary>
    public const int DenseSampleLimit = 20_000;

    /// <summary>m of the nearest-neighbour graph when <see cref="Neighbours"/> is not given.</summary>
    public const int DefaultNeighbours = 30;

    /// <summary>The clustering method (by name) and its settings.</summary>
    public ClusteringOptions Clustering { get; init; } = new();

    /// <summary>α_N from a scaling fit, shown beside the rank-frequency slope as the predicted −(α_N + 1).</summary>
    public (double AlphaN, string Source)? AlphaN { get; init; }

    public int Examples { get; init; } = 10;

    /// <summary>Search behind the m-NN graph (exact, or a random-projection forest from 100,000 tokens by default).</summary>
    public NeighbourSearchOptions NeighbourSearch { get; init; } = new();

    /// <summary>Memory the run may use, bytes (<c>--max-memory</c>); null: what the machine has available when it starts.</summary>
    public long? MaxMemory { get; init; }

    /// <summary>
    /// Ranks (1-based, inclusive) of the rank-frequency envelope the power law is fitted over; null: the browser's default
    /// [⌈K_max/4⌉, K_max]. The authors' notebook (notebooks/llm-clustering-plot.ipynb) fits ranks 101–1000.
    /// </summary>
    public (int First, int Last)? EnvelopeRanks { get; init; }
}

/// <summary>What <see cref="QdgRun.RunAsync"/> wrote, step by step, into one folder (read back from the files, so the same whether a step was computed or reused).</summary>
/// <param name="Samples">the tokens selected (rows of samples.parquet)</param>
/// <param name="GradientDimension">d, the gradient's length before any projection</param>
/// <param name="RankFrequency">the rank-frequency envelope's fit, as written to rank_frequency.json</param>
public sealed record QdgResult(
    int Samples,
    long GradientDimension,
    IReadOnlyList<int> ClusterCounts,
    string SimilarityPath,
    string ClustersPath,
    string ReportPath,
    RankFrequency.FitSummary RankFrequency,
    TimeSpan Elapsed);

/// <summary>
/// Quanta discovery from gradients (Michaud et al. 2023, §5), end to end: choose low-loss non-induction tokens,
/// take each one's loss gradient, compare them by angle (A = 1 − arccos(C)/π), cluster A spectrally over a sweep of
/// K, and write the browser page with the rank-frequency envelope. Every step writes the files the next reads
/// (samples.parquet, gradients.npy, similarity.npy or the sparse similarity.npz, clusters.parquet/.npy, report.html), so any
/// step can be redone alone with its own command, and an <see cref="IStepRunner"/> may reuse a step whose settings and
/// inputs are unchanged (the pipeline's qdg stage does: a new n-init reclusters the cached gradients).
/// </summary>
public static class QdgRun
{
    /// <summary>The names by which steps depend on the run's three inputs (<see cref="IStepRunner.RunAsync"/>).</summary>
    public const string ModelInput = "model", CorpusInput = "corpus", LossesInput = "losses";

    /// <param name="steps">runs (or reuses) each step; null: every step computed into <paramref name="outputDirectory"/></param>
    public static async Task<QdgResult> RunAsync(string modelDirectory, string corpusPath, string lossesPath, string outputDirectory,
        QdgOptions? options = null, IProgress<string>? stages = null, IProgress<GradientProgress>? gradientProgress = null,
        IStepRunner? steps = null, CancellationToken cancellationToken = default)
    {
        options ??= new QdgOptions();
        options.Selection.Validate();
        options.Clustering.Validate();
        var stopwatch = Stopwatch.StartNew();
        Directory.CreateDirectory(outputDirectory);
        steps ??= new InPlaceSteps(outputDirectory);

        stages?.Report("selecting tokens");
        await steps.RunAsync("select", options.Selection, [LossesInput, CorpusInput, ModelInput],
            folder => TokenSelection.RunAsync(lossesPath, corpusPath, modelDirectory, folder, options.Selection, cancellationToken));
        var samplesPath = Path.Combine(outputDirectory, SampleTable.FileName);
        int chosen = (await SampleTable.ReadAsync(samplesPath, cancellationToken)).Count;
        if (chosen < 4)
            throw new InputException(
                $"only {chosen} tokens were selected (loss below {options.Selection.MaxLoss} nats, stride {options.Selection.Stride}); " +
                "raise the loss threshold, lower the stride or score more documents", lossesPath);

        int? neighbours = options.Neighbours ?? (chosen > QdgOptions.DenseSampleLimit ? QdgOptions.DefaultNeighbours : null);
        var counts = ClusterCounts(options.Clusters, chosen);
        var estimate = Estimate(modelDirectory, chosen, neighbours, counts.Max(), options);
        stages?.Report($"estimate: {estimate}");
        long budget = options.MaxMemory ?? MemoryBudget.Available();
        if (estimate.PeakBytes > budget)
        {
            long entries = neighbours is { } mm ? 2L * chosen * mm : (long)chosen * chosen;
            MemoryBudget.Check(estimate, budget, ClusterEstimate.LargestFitting(chosen, entries, neighbours is not null, budget, options.Clustering.AssignLabels) +
                (neighbours is null ? $"; a sparse graph of {QdgOptions.DefaultNeighbours} nearest neighbours needs far less than the dense affinity" : ""));
        }

        stages?.Report($"gradients of {chosen} tokens");
        var gradientOptions = options.Gradients with { Context = options.Selection.Context };
        await steps.RunAsync("gradients", gradientOptions, ["select", CorpusInput, ModelInput], folder => GradientComputation.RunAsync(modelDirectory, corpusPath,
            Path.Combine(folder, SampleTable.FileName), folder, gradientOptions, gradientProgress, cancellationToken));
        var gradientsPath = Path.Combine(outputDirectory, GradientComputation.GradientsFileName);

        var similarityFile = neighbours is null ? "similarity.npy" : "similarity.npz";
        stages?.Report(neighbours is { } m ? $"similarity graph, {m} nearest neighbours" : "similarity");
        await steps.RunAsync("similarity", new { neighbours, search = neighbours is null ? null : options.NeighbourSearch }, ["gradients"], folder =>
        {
            var gradients = Path.Combine(folder, GradientComputation.GradientsFileName);
            if (neighbours is { } m)
                GradientSimilarity.WriteNearestNeighbourAffinity(gradients, Path.Combine(folder, similarityFile), m, options.NeighbourSearch);
            else
                GradientSimilarity.WriteAffinity(gradients, Path.Combine(folder, similarityFile));
            return Task.CompletedTask;
        });
        var similarityPath = Path.Combine(outputDirectory, similarityFile);

        stages?.Report($"clustering ({options.Clustering.Method}), K = {string.Join(", ", counts)}");
        await steps.RunAsync("cluster", new { counts, options.Clustering }, ["similarity"], folder =>
            AffinityClustering.RunAsync(Path.Combine(folder, similarityFile), counts, sweep: true, Path.Combine(folder, ClustersFile), options.Clustering, cancellationToken));
        var clustersPath = Path.ChangeExtension(Path.Combine(outputDirectory, ClustersFile), ".parquet");

        stages?.Report("report");
        var browser = new QuantaBrowserOptions(Examples: options.Examples, AlphaN: options.AlphaN?.AlphaN, AlphaNSource: options.AlphaN?.Source,
            FirstRank: options.EnvelopeRanks?.First, LastRank: options.EnvelopeRanks?.Last, Seed: options.Clustering.Seed);
        // α_N's source names a file by its absolute path: shown on the page, but not part of what the page is computed from
        await steps.RunAsync("browse", browser with { AlphaNSource = null }, ["select", "gradients", "similarity", "cluster"], folder =>
            QuantaBrowser.WriteAsync(Path.Combine(folder, SampleTable.FileName), Path.Combine(folder, similarityFile),
                Path.ChangeExtension(Path.Combine(folder, ClustersFile), ".parquet"), Path.Combine(folder, ReportFile), browser, cancellationToken));
        return new QdgResult(chosen, GradientComputation.ReadDimension(outputDirectory), counts, similarityPath, clustersPath,
            Path.Combine(outputDirectory, ReportFile), RankFrequency.ReadSummary(outputDirectory), stopwatch.Elapsed);
    }

    public const string ClustersFile = "clusters.npy", ReportFile = "report.html";

    /// <summary>
    /// Peak memory and time of the run's steps for n tokens: the gradients (the model and a few rows), the similarity
    /// (dense or the m-NN graph) and the clustering with the largest K; the peak adds up the steps' increments
    /// (<see cref="ResourceEstimate.Sequence"/>).
    /// </summary>
    public static ResourceEstimate Estimate(string modelDirectory, int samples, int? neighbours, int clusters, QdgOptions options)
    {
        var config = Models.ModelFolder.Open(modelDirectory).Config;
        long parameters = config.Family.Parameters(config).Sum(p => p.Size);
        long d = options.Gradients.Projection ?? ParameterFilter.Parse(options.Gradients.Parameters).Dimension(config);
        // The model, its gradient and autograd's activations: a few copies of the parameters, dwarfed by the later steps.
        var gradients = new ResourceEstimate("gradients", MemoryBudget.ProcessBaseBytes + 16 * parameters + 8 * d, 0);
        var similarity = neighbours is { } m ? SimilarityEstimate.Graph(samples, d, m, options.NeighbourSearch) : SimilarityEstimate.Dense(samples, d);
        long entries = neighbours is { } k ? 2L * samples * k : (long)samples * samples;
        var cluster = ClusterEstimate.Estimate(samples, entries, neighbours is not null, clusters, options.Clustering.AssignLabels);
        return ResourceEstimate.Sequence($"qdg of {samples:N0} tokens (d = {d:N0}, {(neighbours is { } mm ? $"{mm}-NN graph" : "dense affinity")}, K = {clusters:N0})",
            [gradients, similarity, cluster]);
    }

    /// <summary>The cluster counts to sweep for <paramref name="samples"/> tokens (see <see cref="QdgOptions.Clusters"/>).</summary>
    public static IReadOnlyList<int> ClusterCounts(string? clusters, int samples)
    {
        if (clusters is not null)
        {
            var (counts, _) = Cluster.ClusterCounts.Parse(clusters);
            var tooMany = counts.FirstOrDefault(k => k > samples / 2);
            if (tooMany > 0)
                throw new InputException($"{tooMany} clusters for {samples} samples: use at most {samples / 2}");
            return counts;
        }
        int largest = Math.Clamp(samples / 25, 2, 400);
        return Enumerable.Range(1, 4).Select(i => Math.Max(2, largest * i / 4)).Distinct().ToArray();
    }
}
