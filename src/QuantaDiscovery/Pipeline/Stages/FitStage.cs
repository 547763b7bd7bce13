using QuantaDiscovery.Fit;

namespace QuantaDiscovery.Pipeline.Stages;

/// <summary><c>fit</c>: a power-law or Zipf fit of two columns of a CSV/Parquet table (<see cref="TableFit.RunAsync"/>) → fit.json.</summary>
public sealed class FitStage : PipelineStage
{
    public override string Kind => "fit";
    public override string Description => "power-law (power, power-offset) or Zipf fit of a table's columns";

    public override IReadOnlyList<StageSetting> Settings { get; } =
    [
        new("input", SettingKind.InputPath, "CSV or Parquet table", Required: true),
        new("form", SettingKind.Text, "power, power-offset or zipf", Default: "power"),
        new("x", SettingKind.Text, "x column (not for zipf)"),
        new("y", SettingKind.Text, "y column (for zipf: the counts)", Required: true),
        new("range", SettingKind.Text, "x range LOW:HIGH (zipf: ranks), either side may be empty"),
        new("bootstrap", SettingKind.Integer, "bootstrap replicates (0: none)", Default: "0"),
        new("seed", SettingKind.Integer, "bootstrap seed", Default: "0"),
    ];

    public override async Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        FitForm form;
        try
        {
            form = TableFit.ParseForm(context.Text("form"));
        }
        catch (Common.InputException e)
        {
            throw context.Error("form", e.Message);
        }
        var range = context.OptionalText("range") is { } text ? FitRange.Parse(text) : null;
        var options = new FitOptions(form, context.OptionalText("x"), context.Text("y"), range, context.Integer("bootstrap"), context.Integer("seed"));
        var report = await TableFit.RunAsync(context.Path("input"), options, Path.Combine(context.OutputFolder, "fit.json"), cancellationToken);
        context.Log($"fit {report.Form} of {report.Y} over {report.Points} points");
    }
}
