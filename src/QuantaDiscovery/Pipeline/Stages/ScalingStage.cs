using System.Globalization;
using QuantaDiscovery.Scaling;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary><c>scaling</c>: <see cref="ScalingReport.RunAsync"/> over a loss matrix and models.csv (summary.json, models.csv, plots).</summary>
public sealed class ScalingStage : PipelineStage
{
    public override string Kind => "scaling";
    public override string Description => "L(N), L(S), p(L), near-zero share and quanta emergence from a loss matrix";

    public override IReadOnlyList<StageSetting> Settings => ScalingSettings.Stage;

    public override async Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var exclude = ScalingSettings.ParseExclude(context.OptionalText("exclude") is { } text ? [text] : []);
        long fitTokens = context.OptionalLong("fit-tokens") ?? 0;
        if (fitTokens < 0) throw context.Error("fit-tokens", $"{fitTokens}: must be ≥ 0 (0: every token)");
        var options = new ScalingOptions(context.Number("threshold"), exclude, context.Integer("bootstrap"), context.Integer("seed"),
            FitTokens: fitTokens > 0 ? fitTokens : null, ExcludeLargest: context.Flag("exclude-largest"),
            StepFitRange: StepRange(context, ScalingSettings.StepFitRange), TrainingCurveRange: StepRange(context, ScalingSettings.TrainingCurveRange));
        context.Report("fitting");
        var summary = await ScalingReport.RunAsync(context.Path("losses"), context.Path("params"), context.OutputFolder, options, cancellationToken);
        if (summary.LossVsParams is { } fit)
            context.Log(string.Create(CultureInfo.InvariantCulture, $"α_N = {fit.AlphaN:G5} ± {fit.AlphaNSe:G3} over {fit.Models.Length} sizes, first {fit.Tokens} tokens"));
        if (summary.LossVsParamsAllTokens is { } all)
            context.Log(string.Create(CultureInfo.InvariantCulture, $"α_N = {all.AlphaN:G5} ± {all.AlphaNSe:G3} on all {all.Tokens} tokens"));
    }

    private static (long First, long Last)? StepRange(StageContext context, StageSetting setting)
    {
        if (context.OptionalText(setting.Name) is not { } range) return null;
        try
        {
            return ScalingSettings.ParseStepRange(range, setting);
        }
        catch (Common.InputException e)
        {
            throw context.Error(setting.Name, e.Message);
        }
    }
}
