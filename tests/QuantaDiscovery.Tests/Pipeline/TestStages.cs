using QuantaDiscovery.Pipeline;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>
/// <c>echo</c>: writes echo.txt holding its text (repeated) and the content of its optional input file, and counts
/// its runs, so tests can see what the runner re-ran. <c>fail: true</c> makes it throw after writing.
/// </summary>
public sealed class EchoStage : PipelineStage
{
    private int _runs;

    public int Runs => _runs;
    public override string Kind => "echo";
    public override string Description => "test stage";

    public override IReadOnlyList<StageSetting> Settings { get; } =
    [
        new("text", SettingKind.Text, "what to write", Required: true),
        new("input", SettingKind.InputPath, "a file whose content is appended"),
        new("repeat", SettingKind.Integer, "times the text is written", Default: "1"),
        new("fail", SettingKind.Flag, "throw after writing", Default: "false"),
    ];

    public override Task RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        var text = string.Concat(Enumerable.Repeat(context.Text("text"), context.Integer("repeat")));
        if (context.OptionalPath("input") is { } input) text += File.ReadAllText(input);
        File.WriteAllText(Path.Combine(context.OutputFolder, "echo.txt"), text);
        if (context.Flag("fail")) throw new InvalidOperationException("asked to fail");
        return Task.CompletedTask;
    }
}

public static class TestStages
{
    public static StageCatalog Catalog { get; } = StageCatalog.Default.With(new EchoStage());
}
