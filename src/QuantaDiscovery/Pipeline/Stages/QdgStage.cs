using QuantaDiscovery.Cluster;
using QuantaDiscovery.Gradients;
using QuantaDiscovery.Qdg;
using QuantaDiscovery.Report;
using QuantaDiscovery.Select;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary>
/// <c>qdg</c>: <see cref="QdgRun.Run"/>, quanta discovery from gradients, into the stage's folder (report.html and every
/// intermediate file). Its steps (select, gradients, similarity, cluster, browse) are cached each on its own settings
/// and inputs (<see cref="CachedSteps"/>), so a changed clustering setting reuses the gradients and the similarity.
/// </summary>
public sealed class QdgStage : PipelineStage
{
    public override string Kind => "qdg";
    public override string Description => "select low-loss tokens, per-token gradients, similarity, clusters, quanta browser";

    public override IReadOnlyList<StageSetting> Settings { get; } =
    [
        new("model", SettingKind.InputPath, "the model folder whose gradients are clustered (the paper: the smallest)", Required: true),
        new("corpus", SettingKind.InputPath, "the corpus the losses were computed on", Required: true),
        new("losses", SettingKind.InputPath, "that model's loss table (e.g. ${losses.output}/losses/<model>.parquet)", Required: true),
        new("context", SettingKind.Integer, "the context the losses were computed with", Default: "1024"),
        new("max-loss", SettingKind.Number, "candidates have loss below this many nats", Default: "0.1"),
        new("samples", SettingKind.Integer, "tokens chosen at most", Default: "10000"),
        new("stride", SettingKind.Integer, "every s-th candidate", Default: "50"),
        new("clusters", SettingKind.Text, "K, a list or start:stop:step (default: samples/25 swept over K/4..K)"),
        new("knn", SettingKind.Integer, "m of the sparse nearest-neighbour similarity graph (0: dense up to 20,000 tokens, m = 30 beyond)", Default: "0"),
        new("method", SettingKind.Text, $"clustering method ({string.Join(", ", ClusteringMethods.Names)})", Default: ClusteringMethods.Default),
        new("n-init", SettingKind.Integer, "k-means restarts", Default: "30"),
        new("projection", SettingKind.Integer, "k of a sparse random projection of the gradients (0: exact)", Default: "0"),
        new("alpha-n", SettingKind.InputPath, "quanta scaling's summary.json, for the predicted slope −(α_N + 1)"),
        new("seed", SettingKind.Integer, "seed of the projection and k-means", Default: "0"),
        new("envelope-ranks", SettingKind.Text, "first:last rank of the rank-frequency envelope fit (default: K_max/4 to K_max)"),
    ];

    public override Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        int seed = context.Integer("seed"), projection = context.Integer("projection");
        var options = new QdgOptions
        {
            Selection = new TokenSelectionOptions
            {
                MaxLoss = (float)context.Number("max-loss"), Samples = context.Integer("samples"), Stride = context.Integer("stride"),
                Context = context.Integer("context"), Seed = seed,
            },
            Gradients = new GradientOptions { Projection = projection > 0 ? projection : null, Seed = seed },
            Clusters = context.OptionalText("clusters"),
            Neighbours = context.Integer("knn") is > 0 and var m ? m : null,
            Clustering = new ClusteringOptions { Method = context.Text("method"), Restarts = context.Integer("n-init"), Seed = seed },
            AlphaN = context.OptionalPath("alpha-n") is { } summary ? RankFrequency.ReadAlphaN(summary) : null,
            EnvelopeRanks = context.OptionalText("envelope-ranks") is { } ranks ? ParseRanks(context, ranks) : null,
        };
        var steps = new CachedSteps(context.StepCacheFolder, context.OutputFolder, CodeVersion, new Dictionary<string, string>
        {
            [QdgRun.ModelInput] = context.InputIdentity("model"),
            [QdgRun.CorpusInput] = context.InputIdentity("corpus"),
            [QdgRun.LossesInput] = context.InputIdentity("losses"),
        }, context.Log);
        var result = QdgRun.Run(context.Path("model"), context.Path("corpus"), context.Path("losses"), context.OutputFolder, options,
            new Progress<string>(stage => context.Report(stage)),
            new Progress<GradientProgress>(p => context.Report($"gradients {p.Tokens}/{p.TotalTokens}", (double)p.Tokens / p.TotalTokens)),
            steps, cancellationToken);
        var fit = result.RankFrequency;
        context.Log($"rank-frequency envelope fitted over ranks {fit.FirstRank}–{fit.LastRank}: slope {fit.Slope?.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        context.Log($"{result.Samples} tokens, gradient dimension {result.GradientDimension}, K = {string.Join(", ", result.ClusterCounts)}; " +
            $"steps computed: {string.Join(", ", steps.Computed)}; reused: {(steps.Reused.Count > 0 ? string.Join(", ", steps.Reused) : "none")}");
        return Task.CompletedTask;
    }

    private static (int, int) ParseRanks(StageContext context, string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], out int first) && int.TryParse(parts[1], out int last) && first >= 1 && last >= first)
            return (first, last);
        throw context.Error("envelope-ranks", $"'{text}': expected first:last with 1 ≤ first ≤ last (the paper: 101:1000)");
    }
}
