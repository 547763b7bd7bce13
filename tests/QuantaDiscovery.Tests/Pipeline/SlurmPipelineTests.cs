using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>
/// pipelines/slurm/submit.sh on a real (local, one-node) Slurm: a 2-task array job of losses shards, then the merge
/// job through --dependency=afterok, gives the same tables as one local process, and the report.
/// </summary>
public class SlurmPipelineTests
{
    [SlurmFact]
    public async Task ArrayJobOfShardsThenDependentMergeEqualsOneProcess()
    {
        var folder = TestPaths.NewTempFolder();
        var pipeline = ShardedPipelineTests.CreateStudy(folder);
        string work = Path.Combine(folder, "slurm-work"), single = Path.Combine(folder, "single");

        var quanta = Path.Combine(AppContext.BaseDirectory, "quanta");
        var submit = TestPaths.InRepo("pipelines/slurm/submit.sh");
        var startInfo = new System.Diagnostics.ProcessStartInfo(submit, [pipeline, "2", work, "--mem=500M"]) { RedirectStandardOutput = true };
        startInfo.Environment["QUANTA"] = quanta;
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

        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (SlurmFactAttribute.Run("squeue", $"-h -j {ids[0]},{ids[1]}", 10) is { Length: > 0 } && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        var log = Path.Combine(work, "slurm", "merge.out");
        Assert.True(File.Exists(log), "the merge job did not run");
        Assert.Contains("merged shards", File.ReadAllText(log));

        var losses = reference.Stages.Single(s => s.Name == "losses").Output!;
        var merged = Path.Combine(work, "losses", Path.GetFileName(losses));
        Assert.True(Directory.Exists(merged + ".shards/0-of-2") && Directory.Exists(merged + ".shards/1-of-2"));
        ShardedPipelineTests.AssertSameLosses(losses, merged);
        var report = Directory.GetDirectories(Path.Combine(work, "report")).Single(d => !d.Contains(".partial", StringComparison.Ordinal));
        ShardedPipelineTests.AssertReportResolves(Path.Combine(report, ReportIndex.FileName));
    }
}
