using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Toys.Grokking;

namespace QuantaDiscovery.Tests.Toys;

public class GrokkingTrainerTests
{
    private static readonly GrokkingOptions Tiny = new() { Modulus = 23, TrainFraction = 0.5, Steps = 300 };

    [Fact]
    public void Mlp_memorises_a_tiny_table()
    {
        var run = GrokkingTrainer.Train(Tiny);
        Assert.NotNull(run.MemorisedStep);
        Assert.Equal(1.0, run.Metrics[^1].TrainAccuracy);
        Assert.Equal(300, run.Metrics.Count);
    }

    [Fact]
    public void Constrained_mode_keeps_the_weight_norm_at_its_initial_value()
    {
        var run = GrokkingTrainer.Train(Tiny with { Steps = 100, ConstrainNorm = true, InitScale = 0.8 });
        Assert.Equal(0, run.Options.ResolvedWeightDecay);
        double initial = run.Metrics[0].WeightNorm;
        Assert.All(run.Metrics, m => Assert.True(Math.Abs(m.WeightNorm - initial) <= 1e-4, $"step {m.Step}: norm {m.WeightNorm} vs {initial}"));

        var free = GrokkingTrainer.Train(Tiny with { Steps = 100, InitScale = 0.8 });
        Assert.Equal(initial, free.Metrics[0].WeightNorm, 6);
        Assert.True(Math.Abs(free.Metrics[^1].WeightNorm - initial) > 0.1); // without the constraint the norm moves
    }

    [Fact]
    public void Trains_inside_a_callers_no_grad_scope()
    {
        // no_grad is per thread and sticky: a caller (or an earlier test on this xunit worker) can leave it on.
        GrokkingRun run;
        using (TorchSharp.torch.no_grad())
        {
            run = GrokkingTrainer.Train(Tiny with { Steps = 40 });
            Assert.False(TorchSharp.torch.is_grad_enabled()); // the caller's setting is back
        }
        Assert.True(run.Metrics[^1].TrainLoss < run.Metrics[0].TrainLoss);
    }

    [Fact]
    public void Init_scale_multiplies_the_initial_weight_norm()
    {
        double one = GrokkingTrainer.Train(Tiny with { Steps = 1 }).Metrics[0].WeightNorm;
        double half = GrokkingTrainer.Train(Tiny with { Steps = 1, InitScale = 0.5 }).Metrics[0].WeightNorm;
        Assert.Equal(0.5, half / one, 5);
    }

    [Fact]
    public void Same_seed_gives_identical_metrics()
    {
        var options = Tiny with { Steps = 40 };
        var a = GrokkingTrainer.Train(options);
        var b = GrokkingTrainer.Train(options);
        Assert.Equal(a.Metrics, b.Metrics);
        Assert.NotEqual(a.Metrics, GrokkingTrainer.Train(options with { Seed = 1 }).Metrics);
    }

    [Fact]
    public void Transformer_and_float64_train()
    {
        var run = GrokkingTrainer.Train(Tiny with { Architecture = GrokkingArchitecture.Transformer, Steps = 30, Precision = Precision.Float64 });
        Assert.True(run.Metrics[^1].TrainLoss < run.Metrics[0].TrainLoss);
        Assert.Equal(23, run.TokenEmbedding.GetLength(0));
        Assert.Equal(128, run.TokenEmbedding.GetLength(1));
    }

    [Fact]
    public void Report_writes_metrics_summary_embedding_and_charts()
    {
        var folder = TestPaths.NewTempFolder();
        var run = GrokkingTrainer.Train(Tiny with { Steps = 20 });
        GrokkingReport.Write(run, folder);

        var lines = File.ReadAllLines(Path.Combine(folder, "metrics.csv"));
        Assert.Equal("step,train_loss,train_acc,val_loss,val_acc,weight_norm", lines[0]);
        Assert.Equal(21, lines.Length);
        Assert.Equal(6, lines[5].Split(',').Length);
        Assert.StartsWith("4,", lines[5]);

        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        var root = summary.RootElement;
        foreach (var key in new[] { "memorised_step", "generalised_step", "config", "seed", "wall_seconds" })
            Assert.True(root.TryGetProperty(key, out _), key);
        Assert.Equal(0, root.GetProperty("seed").GetInt32());
        Assert.Equal(23, root.GetProperty("modulus").GetInt32());

        var embedding = QuantaDiscovery.Common.Npy.Read<float>(Path.Combine(folder, "token_embedding.npy"));
        Assert.Equal([23, 128], embedding.Shape);
        Assert.Equal(run.TokenEmbedding[3, 7], embedding.Data[3 * 128 + 7]);
        foreach (var png in new[] { "accuracy.png", "loss.png", "weight_norm.png", "embedding_pca.png" })
            Assert.True(new FileInfo(Path.Combine(folder, png)).Length > 1000, png);
    }

    [Fact]
    public void Principal_components_recover_a_planar_circle()
    {
        // Points on a circle of radius 2 embedded in 3-D with an offset: the first two components have norm 2.
        var embedding = new float[12, 3];
        for (int i = 0; i < 12; i++)
        {
            double angle = 2 * Math.PI * i / 12;
            (embedding[i, 0], embedding[i, 1], embedding[i, 2]) = ((float)(2 * Math.Cos(angle) + 5), 1f, (float)(2 * Math.Sin(angle)));
        }
        var pcs = GrokkingReport.PrincipalComponents(embedding, 2);
        for (int i = 0; i < 12; i++)
            Assert.Equal(2.0, Math.Sqrt(pcs[i, 0] * pcs[i, 0] + pcs[i, 1] * pcs[i, 1]), 4);
    }
}
