using System.Globalization;
using QuantaDiscovery.Common;
using QuantaDiscovery.Plotting;

using QuantaDiscovery.Select;

namespace QuantaDiscovery.Report;

/// <param name="K">the clustering shown; default the largest K in clusters.parquet</param>
/// <param name="Examples">examples listed per cluster (all members when a cluster is smaller)</param>
/// <param name="TopTokens">most frequent target tokens listed per cluster</param>
/// <param name="AlphaN">the scaling exponent α_N to set beside the rank-frequency slope (see <see cref="RankFrequency.ReadAlphaN"/>)</param>
/// <param name="AlphaNSource">where α_N came from, for the report</param>
/// <param name="FirstRank">first rank of the rank-frequency fit; default ⌈K_max / 4⌉</param>
/// <param name="LastRank">last rank of the rank-frequency fit; default K_max</param>
/// <param name="HeatmapCells">the heatmap shows at most this many rows and columns (block averages of the ordered matrix)</param>
/// <param name="BootstrapReplicates">replicates of the rank-frequency slope's bootstrap interval (0: none)</param>
/// <param name="Seed">seed of that bootstrap</param>
public sealed record QuantaBrowserOptions(int? K = null, int Examples = 10, int TopTokens = 10, double? AlphaN = null,
    string? AlphaNSource = null, int? FirstRank = null, int? LastRank = null, int HeatmapCells = 800, int BootstrapReplicates = 200,
    int Seed = 0)
{
    public static QuantaBrowserOptions Default { get; } = new();
}

/// <summary>A target token and how many samples of a cluster predict it.</summary>
public sealed record TokenCount(int Token, string Text, int Count);

/// <summary>
/// One cluster of the clustering shown.
/// </summary>
/// <param name="Members">sample ids, most typical first: by mean affinity to the other members</param>
/// <param name="Cohesion">mean affinity between distinct members (1 for a single sample)</param>
/// <param name="Description">one line saying what the cluster predicts: its commonest targets, the text just before
/// them, and its commonest sets, each with its share of the cluster</param>
public sealed record BrowsedCluster(int Id, int[] Members, double Cohesion, double MeanLoss, IReadOnlyList<TokenCount> TopTokens,
    string Description = "")
{
    public int Size => Members.Length;
}

/// <summary>What <see cref="QuantaBrowser.WriteAsync"/> produced.</summary>
/// <param name="Clusters">the clusters of the clustering shown, largest first</param>
public sealed record QuantaBrowserReport(int Samples, int K, IReadOnlyList<BrowsedCluster> Clusters, RankFrequencyResult RankFrequency,
    string Html, string HeatmapPng, ChartFiles RankFrequencyPlot);

/// <summary>
/// The quanta browser: one self-contained HTML page over the outputs of token selection, similarity and clustering, in the manner
/// of the cluster browser accompanying Michaud et al. (2023), "The Quantization Model of Neural Scaling".
/// Beside the page it writes the rank-frequency table, fit and plot (<see cref="RankFrequency"/>) and the heatmap PNG.
/// </summary>
public static class QuantaBrowser
{
    public const string HeatmapFile = "similarity_heatmap.png";
    public const string DescriptionsFile = "cluster_descriptions.csv";

    /// <summary>cluster_descriptions.csv: rank, cluster id, size, mean loss and the one-line description, largest first.</summary>
    private static void WriteDescriptions(IReadOnlyList<BrowsedCluster> clusters, string path) =>
        File.WriteAllLines(path, ["rank,cluster,size,mean_loss,description",
            .. clusters.Select((c, r) => string.Create(CultureInfo.InvariantCulture,
                $"{r + 1},{c.Id},{c.Size},{c.MeanLoss:G6},\"{c.Description.Replace("\"", "\"\"")}\""))]);

    /// <summary>Metadata files shown in the page's header when found beside an input file.</summary>
    public static readonly string[] MetadataFiles = ["selection.json", "gradients.json"];

    /// <exception cref="InputException">an input file is malformed or the three disagree on the samples</exception>
    public static async Task<QuantaBrowserReport> WriteAsync(string samplesParquet, string similarityNpy, string clustersParquet,
        string outputHtml, QuantaBrowserOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Examples < 1) throw InputException.Invalid(nameof(options.Examples), options.Examples, "must be at least 1");
        if (options.TopTokens < 1) throw InputException.Invalid(nameof(options.TopTokens), options.TopTokens, "must be at least 1");
        if (options.HeatmapCells < 1) throw InputException.Invalid(nameof(options.HeatmapCells), options.HeatmapCells, "must be at least 1");
        if (options.BootstrapReplicates < 0)
            throw InputException.Invalid(nameof(options.BootstrapReplicates), options.BootstrapReplicates, "must be 0 (no interval) or more");
        var samples = await QuantaSamples.ReadAsync(samplesParquet, cancellation);
        var affinity = BrowsedSimilarity.Read(similarityNpy, samples.Count, samplesParquet);
        var sweep = await ClusterSweep.ReadAsync(clustersParquet, samples.Count, cancellation);
        int k = options.K ?? sweep.MaxK;
        if (sweep.Clusterings.All(c => c.K != k))
            throw new InputException($"no clustering with n_clusters = {k} (the file has {string.Join(", ", sweep.Clusterings.Select(c => c.K))})",
                clustersParquet);

        var folder = Path.GetDirectoryName(Path.GetFullPath(outputHtml))!;
        Directory.CreateDirectory(folder);
        var rankFrequency = RankFrequency.Compute(sweep.Clusterings, options.BootstrapReplicates, options.Seed, options.FirstRank,
            options.LastRank, options.AlphaN, options.AlphaNSource);
        var plot = RankFrequency.WriteFiles(rankFrequency, folder);

        var clusters = Browse(sweep.For(k), samples, affinity, options.TopTokens);
        var order = clusters.SelectMany(c => c.Members).ToArray();
        var boundaries = new List<int>();
        for (int i = 0, start = 0; i < clusters.Count - 1; i++) boundaries.Add(start += clusters[i].Size);
        var heatmapPath = Path.Combine(folder, HeatmapFile);
        var blocks = affinity.BlockAverage(order, options.HeatmapCells);
        SimilarityHeatmap.Save(heatmapPath, blocks, samples.Count, boundaries,
            $"{(affinity.Graph is null ? "Similarity" : "Nearest-neighbour graph")} of {samples.Count} samples, ordered by cluster (K = {k})");

        var setShares = SetShare.Read(Path.GetDirectoryName(Path.GetFullPath(samplesParquet))!);
        var metadata = MetadataFiles
            .SelectMany(name => new[] { samplesParquet, similarityNpy, clustersParquet }
                .Select(input => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(input))!, name)))
            .Distinct().Where(File.Exists).ToArray();
        var page = new QuantaBrowserPage(samples, k, clusters, rankFrequency, options.Examples,
            File.ReadAllBytes(plot.Png), File.ReadAllBytes(heatmapPath), metadata.Select(QuantaBrowserPage.ReadMetadata).ToArray(),
            [.. new[] { samplesParquet, similarityNpy, clustersParquet }.Select(input => RecordedPath.Of(input, folder))], affinity.Graph is not null,
            setShares);
        await File.WriteAllTextAsync(outputHtml, page.Render(), cancellation);
        WriteDescriptions(clusters, Path.Combine(folder, DescriptionsFile));
        var comparison = new List<ComparisonRow>();
        if (rankFrequency.Fit is { } fit)
        {
            double? slopeLower = rankFrequency.SlopeInterval?.Lower
                ?? (double.IsFinite(fit.AlphaStandardError) ? -fit.Alpha - 1.96 * fit.AlphaStandardError : null);
            double? slopeUpper = rankFrequency.SlopeInterval?.Upper
                ?? (double.IsFinite(fit.AlphaStandardError) ? -fit.Alpha + 1.96 * fit.AlphaStandardError : null);
            comparison.Add(new ComparisonRow("rank-frequency slope of the QDG cluster-size envelope", -fit.Alpha, slopeLower, slopeUpper,
                rankFrequency.SlopeInterval is { } b
                    ? $"{b.Level:P0} {SlopeBootstrap.Method}, {b.Replicates} replicates"
                    : "±1.96 standard errors of the log-log fit",
                $"{PaperComparison.PaperRankFrequencySlope} (Pythia-70m, 10,000 tokens; §6)",
                $"ranks {rankFrequency.FirstRank}–{rankFrequency.LastRank} of the envelope over K = {string.Join(", ", rankFrequency.Sweep.Select(c => c.K))}; {samples.Count} samples" +
                (rankFrequency.SlopeInterval is { } bias
                    ? FormattableString.Invariant($"; resampling steepens the slope by {-bias.Bias:F2} on average (sorting noisy cluster sizes), the estimate and the paper's carry a bias of that kind at their own sample sizes")
                    : ""),
                PaperComparison.AgainstPaperValue(-fit.Alpha, slopeLower, slopeUpper, PaperComparison.PaperRankFrequencySlope)));
        }
        if (setShares.Count > 0 && setShares.MaxBy(s => s.ChosenShare) is { } dominant)
            comparison.Add(new ComparisonRow($"largest share of the QDG samples from one corpus set ({dominant.Set})", dominant.ChosenShare,
                null, null, "none (a count)", "not given; the Pile is de-duplicated and mixes 22 sets",
                FormattableString.Invariant($"{dominant.Set} holds {dominant.ScoredShare:P1} of the scored tokens; every set: set_shares.csv and the browser"),
                "not in the paper: a property of this corpus and selection"));
        if (comparison.Count > 0) PaperComparison.Write(folder, comparison);
        return new QuantaBrowserReport(samples.Count, k, clusters, rankFrequency, outputHtml, heatmapPath, plot);
    }

    /// <summary>Reads the affinity matrix, checking it is float32 [n, n] with finite values in [0, 1].</summary>
    public static float[] ReadSimilarity(string path, int samples, string samplesPath)
    {
        if (!File.Exists(path)) throw new InputException("file not found", path);
        var matrix = Npy.Read<float>(path);
        if (matrix.Shape.Length != 2 || matrix.Shape[0] != samples || matrix.Shape[1] != samples)
            throw new InputException(
                $"the similarity matrix has shape ({string.Join(", ", matrix.Shape)}) but {samplesPath} holds {samples} samples: expected ({samples}, {samples})",
                path);
        const float tolerance = 1e-4f;
        var data = matrix.Data;
        for (int i = 0; i < data.Length; i++)
            if (!(data[i] >= -tolerance && data[i] <= 1 + tolerance))
                throw new InputException(
                    FormattableString.Invariant($"element [{i / samples}, {i % samples}] is {data[i]}: affinities lie in [0, 1]"), path);
        return data;
    }

    /// <summary>
    /// The clusters of <paramref name="clustering"/>, largest first (ties by id), each with its members ordered by mean affinity to
    /// the other members, its cohesion, mean loss and most frequent targets. Empty clusters are left out.
    /// </summary>
    public static IReadOnlyList<BrowsedCluster> Browse(Clustering clustering, QuantaSamples samples, BrowsedSimilarity affinity,
        int topTokens)
    {
        int n = samples.Count;
        var members = new List<int>[clustering.K];
        for (int c = 0; c < members.Length; c++) members[c] = [];
        for (int i = 0; i < n; i++) members[clustering.Labels[i]].Add(i);
        var clusters = new List<BrowsedCluster>();
        for (int c = 0; c < members.Length; c++)
        {
            var ids = members[c].ToArray();
            if (ids.Length == 0) continue;
            var typicality = new double[ids.Length];
            for (int a = 0; a < ids.Length; a++)
                typicality[a] = ids.Length == 1 ? 1 : affinity.SumToOthers(ids[a], ids, clustering.Labels) / (ids.Length - 1);
            var ordered = ids.Select((id, a) => (id, score: typicality[a]))
                .OrderByDescending(p => p.score).ThenBy(p => p.id).Select(p => p.id).ToArray();
            var tokens = ids.GroupBy(i => samples.Token[i])
                .Select(g => new TokenCount(g.Key, samples.Target[g.First()], g.Count()))
                .OrderByDescending(t => t.Count).ThenBy(t => t.Token).Take(topTokens).ToArray();
            clusters.Add(new BrowsedCluster(c, ordered, typicality.Average(), ids.Average(i => samples.Loss[i]), tokens,
                Describe(ids, samples)));
        }
        return clusters.OrderByDescending(c => c.Size).ThenBy(c => c.Id).ToArray();
    }

    /// <summary>
    /// "predicts ‹a› 40%, ‹b› 20%; after ‹x› 55%; Github 90%": the three commonest targets, the three commonest texts
    /// just before the target (the context's last word, run of spaces or run of punctuation), and the two commonest sets.
    /// </summary>
    public static string Describe(IReadOnlyCollection<int> members, QuantaSamples samples)
    {
        string Top(IEnumerable<string> values, int count) => string.Join(", ", values.GroupBy(v => v)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(count)
            .Select(g => $"‹{QuantaBrowserPage.Visible(g.Key)}› {Number(100.0 * g.Count() / members.Count, "F0")}%"));
        var text = $"predicts {Top(members.Select(i => samples.Target[i]), 3)}; after {Top(members.Select(i => LastPiece(samples.Context[i])), 3)}";
        if (samples.Set is { } sets)
            text += "; " + string.Join(", ", members.GroupBy(i => sets[i]).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Take(2).Select(g => $"{g.Key} {Number(100.0 * g.Count() / members.Count, "F0")}%"));
        return text;
    }

    private static readonly System.Text.RegularExpressions.Regex TrailingPiece = new(@"(\w+|[ \t]+|\n+|[^\w\s]+)$");

    private static string LastPiece(string context)
    {
        var match = TrailingPiece.Match(context);
        return match.Success ? match.Value : "";
    }

    internal static string Number(double value, string format = "G4") => value.ToString(format, CultureInfo.InvariantCulture);
}
