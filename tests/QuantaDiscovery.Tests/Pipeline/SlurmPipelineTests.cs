using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>
/// pipelines/slurm/submit.sh on a real (local, one-node) Slurm: an array job over the (model, document block) pairs of
/// two models and two blocks (4 tasks), then the merge job through --dependency=afterok, gives the same tables as one
/// local process, and the report.
/// </summary>
public class SlurmPipelineTests
{
    [SlurmFact]
    public async Task ArrayJobOverModelsAndBlocksThenDependentMergeEqualsOneProcess()
    {
        var folder = TestPaths.NewTempFolder();
        var pipeline = ShardedPipelineTests.CreateStudy(folder);
        string work = Path.Combine(folder, "slurm-work"), single = Path.Combine(folder, "single");

        var quanta = Path.Combine(AppContext.BaseDirectory, "quanta");
        var submit = TestPaths.InRepo("pipelines/slurm/submit.sh");
        var startInfo = new System.Diagnostics.ProcessStartInfo(submit, [pipeline, "2", work, "--mem=500M"]) { RedirectStandardOutput = true };
        startInfo.Environment["QUANTA"] = quanta;
        startInfo.Environment["MODELS"] = "2";
        string jobs;
        using (var process = System.Diagnostics.Process.Start(startInfo)!)
        {
            jobs = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
        }
        var ids = jobs.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, ids.Length);

        // Meanwhile, the same pipeline in one local process.
        var reference = await PipelineRunner.RunAsync(PipelineYaml.Load(pipeline), new PipelineRunOptions { WorkFolder = single });
        Assert.True(reference.Succeeded);

        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (SlurmFactAttribute.Run("squeue", $"-h -j {ids[0]},{ids[1]}", 10) is { Length: > 0 } && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        var log = Path.Combine(work, "slurm", "merge.out");
        Assert.True(File.Exists(log), "the merge job did not run");
        Assert.Contains("merged shards", File.ReadAllText(log));

        var losses = reference.Stages.Single(s => s.Name == "losses").Output!;
        var merged = Path.Combine(work, "losses", Path.GetFileName(losses));
        foreach (var unit in (string[])["0-of-2.model-0-of-2", "0-of-2.model-1-of-2", "1-of-2.model-0-of-2", "1-of-2.model-1-of-2"])
            Assert.True(Directory.Exists(Path.Combine(merged + ".shards", unit)), $"no shard {unit}");
        Assert.Contains("document block 1/2, model 1/2", File.ReadAllText(Path.Combine(work, "slurm", "shard-3.out")));
        await ShardedPipelineTests.AssertSameLosses(losses, merged);
        var report = Directory.GetDirectories(Path.Combine(work, "report")).Single(d => !d.Contains(".partial", StringComparison.Ordinal));
        ShardedPipelineTests.AssertReportResolves(Path.Combine(report, ReportIndex.FileName));
    }
}
