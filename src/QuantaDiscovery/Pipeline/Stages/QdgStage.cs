using QuantaDiscovery.Cluster;
using QuantaDiscovery.Gradients;
using QuantaDiscovery.Qdg;
using QuantaDiscovery.Report;
using QuantaDiscovery.Select;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary>
/// <c>qdg</c>: <see cref="QdgRun.RunAsync"/>, quanta discovery from gradients, into the stage's folder (report.html and every
/// intermediate file). Its steps (select, gradients, similarity, cluster, browse) are cached each on its own settings
/// and inputs (<see cref="CachedSteps"/>), so a changed clustering setting reuses the gradients and the similarity.
/// </summary>
public sealed class QdgStage : PipelineStage
{
    public override string Kind => "qdg";
    public override string Description => "select low-loss tokens, per-token gradients, similarity, clusters, quanta browser";

    public override IReadOnlyList<StageSetting> Settings => QdgSettings.All;

    public override async Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        int seed = context.Integer("seed");
        var (projection, projectionMethod) = GradientOptions.ParseProjection(context.Text("projection"));
        var options = new QdgOptions
        {
            Selection = new TokenSelectionOptions
            {
                MaxLoss = (float)context.Number("max-loss"), Samples = context.Integer("samples"), Stride = context.Integer("stride"),
                MaxSetShare = context.Has("max-set-share") ? context.Number("max-set-share") : null,
                Context = context.Integer("context"), Seed = seed,
            },
            Gradients = new GradientOptions { Projection = projection, Method = projectionMethod, Seed = seed },
            Clusters = context.OptionalText("clusters"),
            Neighbours = context.OptionalLong("knn") is { } m
                ? m is >= 1 and <= int.MaxValue ? (int)m : throw context.Error("knn", $"{m}: m must be at least 1 (leave knn out for the default)")
                : null,
            Clustering = new ClusteringOptions { Method = context.Text("method"), Restarts = context.Integer("n-init"), AssignLabels = context.Text("assign-labels"), Seed = seed },
            AlphaN = context.OptionalPath("alpha-n") is { } summary ? RankFrequency.ReadAlphaN(summary) : null,
            EnvelopeRanks = context.OptionalText("envelope-ranks") is { } ranks ? ParseRanks(context, ranks) : null,
        };
        var steps = new CachedSteps(context.StepCacheFolder, context.OutputFolder, CodeVersion, new Dictionary<string, string>
        {
            [QdgRun.ModelInput] = context.InputIdentity("model"),
            [QdgRun.CorpusInput] = context.InputIdentity("corpus"),
            [QdgRun.LossesInput] = context.InputIdentity("losses"),
        }, context.Log, recompute: context.Forced);
        var result = await QdgRun.RunAsync(context.Path("model"), context.Path("corpus"), context.Path("losses"), context.OutputFolder, options,
            new Progress<string>(stage => context.Report(stage)),
            new Progress<GradientProgress>(p => context.Report($"gradients {p.Tokens}/{p.TotalTokens}", (double)p.Tokens / p.TotalTokens)),
            steps, cancellationToken);
        var fit = result.RankFrequency;
        context.Log($"rank-frequency envelope fitted over ranks {fit.FirstRank}–{fit.LastRank}: slope {fit.Slope?.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        context.Log($"{result.Samples} tokens, gradient dimension {result.GradientDimension}, K = {string.Join(", ", result.ClusterCounts)}; " +
            $"steps computed: {string.Join(", ", steps.Computed)}; reused: {(steps.Reused.Count > 0 ? string.Join(", ", steps.Reused) : "none")}");
    }

    private static (int, int) ParseRanks(StageContext context, string text)
    {
        try
        {
            return QdgCommandSettings.ParseEnvelopeRanks(text);
        }
        catch (Common.InputException e)
        {
            throw context.Error("envelope-ranks", e.Message);
        }
    }
}
