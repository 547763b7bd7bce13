namespace QuantaDiscovery.Pipeline.Stages;

/// <summary><c>report</c>: an index.html over other stages' outputs (<see cref="ReportIndex"/>).</summary>
public sealed class ReportStage : PipelineStage
{
    public override string Kind => "report";
    public override string Description => "index.html linking every plot and table of the given stage outputs";

    public override IReadOnlyList<StageSetting> Settings { get; } =
    [
        new("include", SettingKind.InputPaths, "stage output folders to list, e.g. [\"${scaling.output}\", \"${losses.output}\"] (quote ${…} inside [ ])", Required: true),
        new("title", SettingKind.Text, "page title", Default: "Quanta discovery: results"),
    ];

    public override Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        // Stage outputs live at <work>/<stage>/<fingerprint>: head each section with the stage's name.
        var sections = context.Paths("include").Select(folder => (Heading: Path.GetFileName(Path.GetDirectoryName(folder)!) ?? folder, Folder: folder));
        var stages = new RunManifest(context.WorkFolder).Read().Where(s => s.Key != context.StageName).ToDictionary();
        var index = ReportIndex.Write(context.OutputFolder, context.Text("title"), sections, stages);
        context.Log($"wrote {Path.GetFileName(index)}");
        return Task.CompletedTask;
    }
}
