using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Tests.Report;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>The study with every analysis (losses, scaling, qdg, grokking, sparse parity, report), run once on tiny inputs.</summary>
public sealed class EveryAnalysisStudy
{
    public PipelineRunResult Result { get; }

    public EveryAnalysisStudy()
    {
        var pipeline = ShardedPipelineTests.CreateStudy(TestPaths.NewTempFolder(), everyAnalysis: true);
        Result = PipelineRunner.RunAsync(PipelineYaml.Load(pipeline)).GetAwaiter().GetResult();
    }

    public string Output(string stage) => Result.Stages.Single(s => s.Name == stage).Output!;
}

/// <summary>
/// Finished stage folders name their own files by paths that survive the rename from the private partial folder, and
/// report/index.html works in a browser: every image loads, every link resolves, no console message, and every HTML
/// page it links (the quanta browser) loads without one either.
/// </summary>
public class ReportPipelineTests(EveryAnalysisStudy study) : IClassFixture<EveryAnalysisStudy>
{
    [Fact]
    public void EveryStageSucceedsAndNoFileRecordsAPartialFolder()
    {
        Assert.True(study.Result.Succeeded, string.Join("\n", study.Result.Stages.Select(s => $"{s.Name}: {s.Status} {s.Error}")));
        Assert.Equal(["onnx", "losses", "scaling", "qdg", "grok", "parity", "report"], study.Result.Stages.Select(s => s.Name));
        Assert.Contains("samples.parquet", File.ReadAllText(Path.Combine(study.Output("qdg"), "gradients.json")));
        AssertNoPartialPaths(study.Result);
    }

    [Fact]
    public void TheIndexSaysHowLongEachStageTook()
    {
        var html = File.ReadAllText(Path.Combine(study.Output("report"), ReportIndex.FileName));

        Assert.Contains("<h2>How long each stage took</h2>", html);
        foreach (var stage in new[] { "onnx", "losses", "scaling", "qdg", "grok", "parity" })
            Assert.Matches($"<tr><td>{stage}</td><td>[a-z-]+</td><td>done</td><td>\\d+\\.\\d</td></tr>", html);
        Assert.DoesNotContain("<tr><td>report</td>", html);
    }

    /// <summary>No file of a finished stage mentions a <c>.partial-</c> folder, and none is left behind.</summary>
    internal static void AssertNoPartialPaths(PipelineRunResult result)
    {
        foreach (var stage in result.Stages)
            foreach (var file in Directory.EnumerateFiles(stage.Output!, "*", SearchOption.AllDirectories))
                Assert.False(File.ReadAllText(file).Contains(".partial-", StringComparison.Ordinal), $"{file} names a partial folder");
        Assert.Empty(Directory.EnumerateDirectories(result.WorkFolder, "*.partial-*", SearchOption.AllDirectories));
    }

    [ChromiumFact]
    public async Task ReportIndexLoadsEveryImageAndLinkInChromium()
    {
        var index = Path.Combine(study.Output("report"), ReportIndex.FileName);
        var check = await HeadlessChromium.CheckLinksAsync(index);
        Assert.Empty(check.Problems);
        Assert.Empty(check.ConsoleMessages);
        Assert.True(check.Images >= 10, $"{check.Images} images"); // scaling, qdg, grokking and sparse-parity plots
        Assert.True(check.Links > check.Images, $"{check.Links} links");

        var html = File.ReadAllText(index);
        foreach (var expected in (string[])["loss_vs_params.png", "rank_frequency.png", "report.html", "accuracy.png", "per_task_loss.png"])
            Assert.Contains(expected, html);
        var browser = Path.Combine(study.Output("qdg"), "report.html");
        Assert.Empty((await HeadlessChromium.RunAsync(browser, "--dump-dom")).ConsoleMessages);
    }
}
