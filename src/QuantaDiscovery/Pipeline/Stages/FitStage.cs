using QuantaDiscovery.Fit;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary><c>fit</c>: a power-law or Zipf fit of two columns of a CSV/Parquet table (<see cref="TableFit.RunAsync"/>) → fit.json.</summary>
public sealed class FitStage : PipelineStage
{
    public override string Kind => "fit";
    public override string Description => "power-law (power, power-offset) or Zipf fit of a table's columns";

    public override IReadOnlyList<StageSetting> Settings => FitSettings.Stage;

    public override async Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var range = context.OptionalText("range") is { } text ? FitRange.Parse(text) : null;
        var options = new FitOptions(TableFit.ParseForm(context.Text("form")), context.OptionalText("x"), context.Text("y"), range,
            context.Integer("bootstrap"), context.Integer("seed"), context.Number("level"), context.OptionalLong("xmin"));
        var report = await TableFit.RunAsync(context.Path("input"), options, Path.Combine(context.OutputFolder, "fit.json"), cancellationToken);
        context.Log($"fit {report.Form} of {report.Y} over {report.Points} points");
    }
}
