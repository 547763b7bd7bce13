using System.Globalization;
using QuantaDiscovery.Scaling;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary><c>monogenic</c>: <see cref="MonogenicPolygenic.RunAsync"/> over a loss matrix's final checkpoints (genes.json, genes.npy, plot).</summary>
public sealed class MonogenicStage : PipelineStage
{
    public override string Kind => "monogenic";
    public override string Description => "per-token loss-vs-size curves classified as monogenic (one size step carries most of the drop) or polygenic";

    public override IReadOnlyList<StageSetting> Settings { get; } =
    [
        new("losses", SettingKind.InputPath, "loss matrix: .parquet or float32 .npy (e.g. ${losses.output}/loss_matrix.parquet)", Required: true),
        new("params", SettingKind.InputPath, "models.csv: name,params[,step]", Required: true),
        new("dominance", SettingKind.Number, "monogenic when the largest size step carries more than this share of the decrease", Default: "0.5"),
        new("min-decrease", SettingKind.Number, "tokens whose loss falls by less than this many nats are neither kind", Default: "1.0"),
    ];

    public override async Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        double dominance = context.Number("dominance"), minDecrease = context.Number("min-decrease");
        if (!(dominance > 0 && dominance < 1)) throw context.Error("dominance", $"{dominance}: must lie in (0, 1)");
        if (!(minDecrease >= 0)) throw context.Error("min-decrease", $"{minDecrease}: must be ≥ 0");
        context.Report("classifying");
        var summary = await MonogenicPolygenic.RunAsync(context.Path("losses"), context.Path("params"), context.OutputFolder,
            new MonogenicPolygenicOptions(dominance, minDecrease), cancellationToken);
        context.Log(string.Create(CultureInfo.InvariantCulture,
            $"{summary.Monogenic} monogenic, {summary.Polygenic} polygenic, {summary.Unchanged} unchanged of {summary.Tokens} tokens"));
    }
}
