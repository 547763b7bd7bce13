using System.Text.Json;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>Caching by fingerprint, --force, failures, and resuming after a killed run, with the counting echo stage.</summary>
public class PipelineRunnerTests
{
    private const string Chain = """
        stages:
          first:
            kind: echo
            text: a
            input: input.txt
          second:
            kind: echo
            text: b
            input: ${first.output}/echo.txt
          lone:
            kind: echo
            text: c
        """;

    private static (PipelineDefinition Definition, EchoStage Echo, PipelineRunOptions Options) Setup(string yaml, string? folder = null)
    {
        folder ??= TestPaths.NewTempFolder();
        if (!File.Exists(Path.Combine(folder, "input.txt"))) File.WriteAllText(Path.Combine(folder, "input.txt"), "data");
        var path = Path.Combine(folder, "pipeline.yaml");
        File.WriteAllText(path, yaml);
        var echo = new EchoStage();
        var catalog = StageCatalog.Default.With(echo);
        return (PipelineYaml.Load(path, catalog), echo, new PipelineRunOptions { Catalog = catalog });
    }

    private static async Task<Dictionary<string, StageOutcome>> Run(PipelineDefinition definition, PipelineRunOptions options) =>
        (await PipelineRunner.RunAsync(definition, options)).Stages.ToDictionary(s => s.Name);

    [Fact]
    public async Task SecondRunIsCachedAndOutputsChainThroughReferences()
    {
        var (definition, echo, options) = Setup(Chain);
        var first = await Run(definition, options);
        Assert.All(first.Values, s => Assert.Equal(StageStatus.Done, s.Status));
        Assert.Equal(3, echo.Runs);
        Assert.Equal("badata", File.ReadAllText(Path.Combine(first["second"].Output!, "echo.txt")));
        Assert.StartsWith(Path.Combine(definition.Work, "second") + Path.DirectorySeparatorChar, first["second"].Output);

        var again = await Run(definition, options);
        Assert.All(again.Values, s => Assert.Equal(StageStatus.Cached, s.Status));
        Assert.Equal(3, echo.Runs);
        Assert.Equal(first.Values.Select(s => s.Output), again.Values.Select(s => s.Output));

        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(definition.Work, "manifest.json"))).RootElement;
        Assert.Equal("cached", manifest.GetProperty("second").GetProperty("status").GetString());
        Assert.Contains("second: Cached", File.ReadAllText(Path.Combine(definition.Work, PipelineRunner.LogFileName)));
    }

    [Fact]
    public async Task MovedStudyKeepsItsCache()
    {
        var folder = TestPaths.NewTempFolder();
        Directory.CreateDirectory(Path.Combine(folder, "study"));
        var (definition, echo, options) = Setup(Chain, Path.Combine(folder, "study"));
        Assert.All((await Run(definition, options)).Values, s => Assert.Equal(StageStatus.Done, s.Status));

        var moved = Path.Combine(folder, "moved", "study");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(Path.Combine(folder, "study"), moved);
        var again = await Run(PipelineYaml.Load(Path.Combine(moved, "pipeline.yaml"), options.Catalog), options);
        Assert.All(again.Values, s => Assert.Equal(StageStatus.Cached, s.Status));
        Assert.Equal(3, echo.Runs);
    }

    [Fact]
    public async Task ForceRedoesTheStageAndItsDependentsOnly()
    {
        var (definition, echo, options) = Setup(Chain);
        await Run(definition, options);
        var forced = await Run(definition, options with { Force = ["first"] });
        Assert.Equal(StageStatus.Done, forced["first"].Status);
        Assert.Equal(StageStatus.Done, forced["second"].Status);
        Assert.Equal(StageStatus.Cached, forced["lone"].Status);
        Assert.Equal(5, echo.Runs);
        await Assert.ThrowsAsync<QuantaDiscovery.Common.InputException>(() => Run(definition, options with { Force = ["nosuch"] }));
    }

    [Fact]
    public async Task ChangedSettingOrInputContentGivesNewFingerprints()
    {
        var folder = TestPaths.NewTempFolder();
        var (definition, _, options) = Setup(Chain, folder);
        var before = await Run(definition, options);

        File.WriteAllText(Path.Combine(folder, "input.txt"), "other");
        var (changedInput, _, changedOptions) = Setup(Chain, folder);
        var afterInput = await Run(changedInput, changedOptions);
        Assert.Equal(StageStatus.Done, afterInput["first"].Status);
        Assert.Equal(StageStatus.Done, afterInput["second"].Status);
        Assert.Equal(StageStatus.Cached, afterInput["lone"].Status);
        Assert.NotEqual(before["second"].Output, afterInput["second"].Output);

        var (changedSetting, _, settingOptions) = Setup(Chain.Replace("text: c", "text: c\n    repeat: 2"), folder);
        var afterSetting = await Run(changedSetting, settingOptions);
        Assert.Equal(StageStatus.Done, afterSetting["lone"].Status);
        Assert.Equal("cc", File.ReadAllText(Path.Combine(afterSetting["lone"].Output!, "echo.txt")));
        Assert.Equal(StageStatus.Cached, afterSetting["second"].Status);
    }

    [Fact]
    public async Task FailureLeavesNoOutputStopsDependentsAndResumes()
    {
        var folder = TestPaths.NewTempFolder();
        var (failing, _, options) = Setup(Chain.Replace("text: a", "text: a\n    fail: true"), folder);
        var failed = await Run(failing, options);
        Assert.Equal(StageStatus.Failed, failed["first"].Status);
        Assert.Equal("asked to fail", failed["first"].Error);
        Assert.Equal(StageStatus.NotRun, failed["second"].Status);
        Assert.Equal(StageStatus.Done, failed["lone"].Status);
        Assert.False(Directory.Exists(failed["first"].Output), "a failed stage must leave no output folder");
        Assert.Empty(Directory.GetDirectories(Path.Combine(failing.Work, "first")));

        // A run killed mid-stage leaves a partial folder of a dead process: the next run removes it and redoes the stage.
        var (fixedDefinition, echo, fixedOptions) = Setup(Chain, folder);
        var first = await Run(fixedDefinition, fixedOptions with { Force = ["first"] });
        var abandoned = $"{first["first"].Output}.partial-{Environment.MachineName}-{int.MaxValue - 1}";
        Directory.CreateDirectory(abandoned);
        File.WriteAllText(Path.Combine(abandoned, "echo.txt"), "half");
        Directory.Delete(first["first"].Output!, recursive: true);
        var resumed = await Run(fixedDefinition, fixedOptions);
        Assert.Equal(StageStatus.Done, resumed["first"].Status);
        Assert.False(Directory.Exists(abandoned));
        Assert.Equal("adata", File.ReadAllText(Path.Combine(resumed["first"].Output!, "echo.txt")));
        Assert.Equal(StageStatus.Cached, resumed["lone"].Status);
    }
}
