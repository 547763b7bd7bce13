using QuantaDiscovery.Cluster;
using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Qdg;

/// <summary>
/// The options of quanta discovery (the <c>qdg</c> stage; the <c>qdg</c>, <c>select</c> and <c>cluster</c> commands
/// take those they share from here), with the paper's values (Michaud et al. 2023, §5).
/// </summary>
public static class QdgSettings
{
    public static readonly StageSetting Model = new("model", SettingKind.InputPath, "the model folder whose gradients are clustered (the paper: the smallest)", Required: true);
    public static readonly StageSetting Corpus = new("corpus", SettingKind.InputPath, "the corpus the losses were computed on", Required: true);
    public static readonly StageSetting Losses = new("losses", SettingKind.InputPath, "that model's loss table (e.g. ${losses.output}/losses/<model>.parquet)", Required: true);
    public static readonly StageSetting Context = new("context", SettingKind.Integer, "the context the losses were computed with", Default: "1024", Paper: "1024");
    public static readonly StageSetting MaxLoss = new("max-loss", SettingKind.Number, "candidates have loss below this many nats", Default: "0.1", Paper: "0.1");
    public static readonly StageSetting Samples = new("samples", SettingKind.Integer, "tokens chosen at most", Default: "10000", Paper: "10000");
    public static readonly StageSetting Stride = new("stride", SettingKind.Integer, "every s-th candidate", Default: "50", Paper: "50");
    public static readonly StageSetting MaxSetShare = new("max-set-share", SettingKind.Number,
        "at most this share of the samples from one corpus set (pile_set_name), by thinning that set evenly (default: no cap, as the paper)");
    public static readonly StageSetting Clusters = new("clusters", SettingKind.Text, "K, a list or start:stop:step (default: samples/25, at most 400, swept over K/4..K)");
    public static readonly StageSetting Neighbours = new("knn", SettingKind.Integer,
        $"m of the sparse m-nearest-neighbour similarity graph (similarity.npz) instead of the dense matrix (default: dense up to {QdgOptions.DenseSampleLimit:N0} tokens, m = {QdgOptions.DefaultNeighbours} beyond)");
    public static readonly StageSetting Method = new("method", SettingKind.Text, "clustering method",
        Default: ClusteringMethods.Default, Paper: "spectral", Choices: [.. ClusteringMethods.Names]);
    public static readonly StageSetting Restarts = new("n-init", SettingKind.Integer, "k-means restarts", Default: "30", Paper: "30");
    public static readonly StageSetting AssignLabels = new("assign-labels", SettingKind.Text,
        "how spectral clustering labels its embedding (cluster_qr: no restarts, less memory)", Default: LabelAssignment.KMeansLabels, Paper: "kmeans",
        Choices: [.. LabelAssignment.Names]);
    public static readonly StageSetting Projection = new("projection", SettingKind.Text,
        "none; k or sparse:k for a sparse random projection to k dimensions; factored:B for the factored (LoGra-style) projection with B columns",
        Default: "none", Paper: "none");
    public static readonly StageSetting AlphaN = new("alpha-n", SettingKind.InputPath, "quanta scaling's summary.json, for the predicted slope −(α_N + 1)");
    public static readonly StageSetting Seed = new("seed", SettingKind.Integer, "seed of the projection, a uniform sample and k-means", Default: "0");
    public static readonly StageSetting EnvelopeRanks = new("envelope-ranks", SettingKind.Text,
        "first:last rank of the rank-frequency envelope fit (default: K_max/4 to K_max)", Paper: "101:1000");

    /// <summary>The <c>qdg</c> stage's settings, in the order pipelines/README.md lists them.</summary>
    public static IReadOnlyList<StageSetting> All { get; } =
        [Model, Corpus, Losses, Context, MaxLoss, Samples, Stride, MaxSetShare, Clusters, Neighbours, Method, Restarts, AssignLabels, Projection, AlphaN, Seed, EnvelopeRanks];
}
