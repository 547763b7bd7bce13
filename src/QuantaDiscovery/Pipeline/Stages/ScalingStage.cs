using System.Globalization;
using QuantaDiscovery.Scaling;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary><c>scaling</c>: <see cref="ScalingReport.RunAsync"/> over a loss matrix and models.csv (summary.json, models.csv, plots).</summary>
public sealed class ScalingStage : PipelineStage
{
    public override string Kind => "scaling";
    public override string Description => "L(N), L(S), p(L), near-zero share and quanta emergence from a loss matrix";

    public override IReadOnlyList<StageSetting> Settings { get; } =
    [
        new("losses", SettingKind.InputPath, "loss matrix: .parquet or float32 .npy (e.g. ${losses.output}/loss_matrix.parquet)", Required: true),
        new("params", SettingKind.InputPath, "models.csv: name,params[,step] (e.g. ${losses.output}/models.csv)", Required: true),
        new("exclude", SettingKind.Text, "a comma-separated list of models left out of the L(N) fit"),
        new("threshold", SettingKind.Number, "near-zero / learned loss threshold in nats", Default: "0.1"),
        new("bootstrap", SettingKind.Integer, "token-resampling bootstrap replicates for the CI on α_N", Default: "0"),
        new("seed", SettingKind.Integer, "bootstrap seed", Default: "0"),
    ];

    public override async Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var exclude = context.OptionalText("exclude")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var options = new ScalingOptions(context.Number("threshold"), exclude, context.Integer("bootstrap"), context.Integer("seed"));
        context.Report("fitting");
        var summary = await ScalingReport.RunAsync(context.Path("losses"), context.Path("params"), context.OutputFolder, options, cancellationToken);
        if (summary.LossVsParams is { } fit)
            context.Log(string.Create(CultureInfo.InvariantCulture, $"α_N = {fit.AlphaN:G5} ± {fit.AlphaNSe:G3} over {fit.Models.Length} sizes"));
    }
}
