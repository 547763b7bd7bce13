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
        new("exclude-largest", SettingKind.Flag, "leave the largest size out of the L(N) fit (the paper's notebooks/ten-million-scaling-curves.ipynb does: pythia.yaml sets it)", Default: "false"),
        new("fit-tokens", SettingKind.Integer, "fit L(N) on the mean over the first N tokens (the paper's 10,000,000, as pythia.yaml sets; 0: all), the all-token fit reported beside", Default: "0"),
        new("step-fit-range", SettingKind.Text, "first:last step of the L(S) fit (the paper: 11000:100000; default every step > 0)"),
        new("training-curve-range", SettingKind.Text, "first:last step over which each token's loss over training is classified as a sharp drop or a gradual decline (default: step-fit-range, else from a tenth of the last step)"),
        new("threshold", SettingKind.Number, "near-zero / learned loss threshold in nats", Default: "0.1"),
        new("bootstrap", SettingKind.Integer, "token-resampling bootstrap replicates for the CI on α_N", Default: "0"),
        new("seed", SettingKind.Integer, "bootstrap seed", Default: "0"),
    ];

    public override async Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var exclude = context.OptionalText("exclude")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        long fitTokens = context.OptionalLong("fit-tokens") ?? 0;
        if (fitTokens < 0) throw context.Error("fit-tokens", $"{fitTokens}: must be ≥ 0 (0: every token)");
        var options = new ScalingOptions(context.Number("threshold"), exclude, context.Integer("bootstrap"), context.Integer("seed"),
            FitTokens: fitTokens > 0 ? fitTokens : null, ExcludeLargest: context.Flag("exclude-largest"),
            StepFitRange: StepRange(context, "step-fit-range"), TrainingCurveRange: StepRange(context, "training-curve-range"));
        context.Report("fitting");
        var summary = await ScalingReport.RunAsync(context.Path("losses"), context.Path("params"), context.OutputFolder, options, cancellationToken);
        if (summary.LossVsParams is { } fit)
            context.Log(string.Create(CultureInfo.InvariantCulture, $"α_N = {fit.AlphaN:G5} ± {fit.AlphaNSe:G3} over {fit.Models.Length} sizes, first {fit.Tokens} tokens"));
        if (summary.LossVsParamsAllTokens is { } all)
            context.Log(string.Create(CultureInfo.InvariantCulture, $"α_N = {all.AlphaN:G5} ± {all.AlphaNSe:G3} on all {all.Tokens} tokens"));
    }

    private static (long First, long Last)? StepRange(StageContext context, string setting)
    {
        if (context.OptionalText(setting) is not { } range) return null;
        var parts = range.Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out long first) ||
            !long.TryParse(parts[1], CultureInfo.InvariantCulture, out long last) || first < 1 || last < first)
            throw context.Error(setting, $"'{range}': expected first:last steps with 1 ≤ first ≤ last (e.g. the paper's L(S) range 11000:100000)");
        return (first, last);
    }
}
