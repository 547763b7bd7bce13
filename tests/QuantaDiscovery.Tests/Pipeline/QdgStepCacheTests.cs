using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>
/// The qdg stage's steps are cached each on its own settings and inputs: after the study moves, a new n-init reuses the
/// selection, the gradients and the similarity (their cached files are not rewritten) and reclusters; a new stride
/// recomputes the selection and the gradients; --force recomputes every step.
/// </summary>
public class QdgStepCacheTests
{
    private static string Pipeline(string folder, int restarts, int stride)
    {
        var path = Path.Combine(folder, "qdg.yaml");
        File.WriteAllText(path, $$"""
            stages:
              onnx:
                kind: export-onnx
                models: [models/small, models/large]
              losses:
                kind: losses
                models: ["${onnx.output}/*"]
                corpus: corpus.jsonl
                context: 16
                batch-size: 4
                threads: 1
              qdg:
                kind: qdg
                model: models/small
                corpus: corpus.jsonl
                losses: ${losses.output}/losses/small.parquet
                context: 16
                max-loss: 100
                stride: {{stride}}
                samples: 40
                clusters: 2,3
                n-init: {{restarts}}
            """);
        return path;
    }

    private static async Task<StageOutcome> RunQdg(string folder, int restarts, int stride)
    {
        var result = await PipelineRunner.RunAsync(PipelineYaml.Load(Pipeline(folder, restarts, stride)));
        Assert.True(result.Succeeded, string.Join("\n", result.Stages.Select(s => $"{s.Name}: {s.Status} {s.Error}")));
        return result.Stages.Single(s => s.Name == "qdg");
    }

    /// <summary>The cached folders of one step (one per distinct key); the work folder is work/qdg/, named after qdg.yaml.</summary>
    private static string[] StepFolders(string study, string step) =>
        Directory.GetDirectories(Path.Combine(study, "work", "qdg", "qdg", "steps", step));

    [Fact]
    public async Task ANewNInitReusesTheGradientsAfterTheStudyMovedAndANewStrideRecomputesThem()
    {
        var root = TestPaths.NewTempFolder();
        var study = Path.Combine(root, "study");
        Directory.CreateDirectory(study);
        ShardedPipelineTests.CreateStudy(study);

        var first = await RunQdg(study, restarts: 3, stride: 1);
        Assert.Equal(StageStatus.Done, first.Status);
        foreach (var step in (string[])["select", "gradients", "similarity", "cluster", "browse"])
            Assert.Single(StepFolders(study, step));
        var cachedGradients = Path.Combine(StepFolders(study, "gradients")[0], "gradients.npy");
        var written = File.GetLastWriteTimeUtc(cachedGradients);
        var bytes = File.ReadAllBytes(Path.Combine(first.Output!, "gradients.npy"));
        Assert.Equal(bytes, File.ReadAllBytes(cachedGradients));

        var moved = Path.Combine(root, "elsewhere", "study");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(study, moved);
        var reclustered = await RunQdg(moved, restarts: 4, stride: 1);
        Assert.Equal(StageStatus.Done, reclustered.Status);
        Assert.NotEqual(Path.GetFileName(first.Output), Path.GetFileName(reclustered.Output));
        foreach (var step in (string[])["select", "gradients", "similarity"])
            Assert.Single(StepFolders(moved, step));
        Assert.Equal(2, StepFolders(moved, "cluster").Length);
        Assert.Equal(2, StepFolders(moved, "browse").Length);
        var movedGradients = Path.Combine(StepFolders(moved, "gradients")[0], "gradients.npy");
        Assert.Equal(written, File.GetLastWriteTimeUtc(movedGradients));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(reclustered.Output!, "gradients.npy")));
        foreach (var file in (string[])["samples.parquet", "selection.json", "gradients.json", "similarity.npy", "clusters.parquet", "clusters.json", "report.html"])
            Assert.True(File.Exists(Path.Combine(reclustered.Output!, file)), file);
        var log = File.ReadAllText(Path.Combine(moved, "work", "qdg", PipelineRunner.LogFileName));
        Assert.Contains("qdg: step gradients: reused", log);
        Assert.Contains("qdg: step cluster: computed", log);

        var reselected = await RunQdg(moved, restarts: 4, stride: 2);
        Assert.Equal(StageStatus.Done, reselected.Status);
        foreach (var step in (string[])["select", "gradients", "similarity", "cluster", "browse"])
            Assert.Equal(step == "browse" || step == "cluster" ? 3 : 2, StepFolders(moved, step).Length);
        Assert.Equal(written, File.GetLastWriteTimeUtc(movedGradients));
        Assert.NotEqual(bytes.Length, new FileInfo(Path.Combine(reselected.Output!, "gradients.npy")).Length);

        // --force qdg recomputes its steps too, into the same step folders
        var forced = await PipelineRunner.RunAsync(PipelineYaml.Load(Pipeline(moved, restarts: 4, stride: 2)), new PipelineRunOptions { Force = ["qdg"] });
        Assert.Equal(StageStatus.Done, forced.Stages.Single(s => s.Name == "qdg").Status);
        Assert.Equal(2, StepFolders(moved, "gradients").Length);
        var lastSummary = File.ReadLines(Path.Combine(moved, "work", "qdg", PipelineRunner.LogFileName)).Last(l => l.Contains("steps computed", StringComparison.Ordinal));
        Assert.EndsWith("steps computed: select, gradients, similarity, cluster, browse; reused: none", lastSummary);
    }
}
