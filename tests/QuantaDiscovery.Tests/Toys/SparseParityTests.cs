using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Toys.SparseParity;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Toys;

public class SparseParityTests
{
    private static readonly SparseParityOptions Tiny = new()
    {
        Tasks = 4, Bits = 8, SubsetSize = 2, Width = 32, BatchSize = 256, Steps = 300, EvalEvery = 50, EvalSamplesPerTask = 64, LearningRate = 3e-3,
    };

    [Fact]
    public void Labels_are_the_parity_of_the_tasks_bits()
    {
        var task = new SparseParityTask(tasks: 10, bits: 20, subsetSize: 3, alpha: 0.4, seed: 7);
        using var generator = new Generator(3);
        var (inputs, labels, taskIds) = task.Sample(2000, generator);
        var x = inputs.data<float>().ToArray();
        var y = labels.data<long>().ToArray();
        var ids = taskIds.data<long>().ToArray();
        Assert.Equal(new long[] { 2000, 30 }, inputs.shape);
        for (int row = 0; row < 2000; row++)
        {
            var control = x.AsSpan(row * 30, 10).ToArray();
            Assert.Equal(1f, control.Sum());
            Assert.Equal(1f, control[ids[row]]);
            var data = x.AsSpan(row * 30 + 10, 20).ToArray();
            int parity = task.Subsets[(int)ids[row]].Sum(position => (int)data[position]) % 2;
            Assert.Equal(parity, y[row]);
        }
        Assert.InRange(y.Average(), 0.4, 0.6);
    }

    [Fact]
    public void Subsets_are_k_distinct_positions_fixed_by_the_seed()
    {
        var task = new SparseParityTask(50, 30, 3, 0.4, seed: 1);
        Assert.All(task.Subsets, s =>
        {
            Assert.Equal(3, s.Distinct().Count());
            Assert.All(s, p => Assert.InRange(p, 0, 29));
        });
        Assert.Equal(task.Subsets, new SparseParityTask(50, 30, 3, 0.4, seed: 1).Subsets);
        Assert.NotEqual(task.Subsets, new SparseParityTask(50, 30, 3, 0.4, seed: 2).Subsets);
    }

    [Fact]
    public void Task_frequencies_follow_the_power_law_empirically()
    {
        const double alpha = 0.4;
        var task = new SparseParityTask(tasks: 20, bits: 4, subsetSize: 1, alpha, seed: 0);
        Assert.Equal(1.0, task.Frequencies.Sum(), 12);
        for (int i = 0; i < 20; i++)
            Assert.Equal(Math.Pow(i + 1, -(alpha + 1)), task.Frequencies[i] / task.Frequencies[0], 12);

        const int samples = 200_000;
        using var generator = new Generator(11);
        var (inputs, labels, taskIds) = task.Sample(samples, generator);
        var counts = new int[20];
        foreach (long id in taskIds.data<long>().ToArray())
            counts[id]++;
        for (int i = 0; i < 20; i++)
        {
            double p = task.Frequencies[i], tolerance = 5 * Math.Sqrt(p * (1 - p) / samples);
            Assert.InRange((double)counts[i] / samples, p - tolerance, p + tolerance);
        }
    }

    [Fact]
    public void Per_task_samples_are_grouped_by_task()
    {
        var task = new SparseParityTask(5, 6, 2, 0.4, seed: 0);
        using var generator = new Generator(0);
        var (_, _, taskIds) = task.SamplePerTask(3, generator);
        Assert.Equal(new long[] { 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4 }, taskIds.data<long>().ToArray());
    }

    [Fact]
    public void A_tiny_run_lowers_the_loss_and_is_deterministic()
    {
        var run = SparseParityTrainer.Train(Tiny);
        Assert.True(run.FinalTestLoss < 0.5 * run.Evaluations[0].TestLoss, $"test loss {run.Evaluations[0].TestLoss} → {run.FinalTestLoss}");
        Assert.Equal(new[] { 1, 50, 100, 150, 200, 250, 300 }, run.Evaluations.Select(e => e.Step));

        var again = SparseParityTrainer.Train(Tiny with { Steps = 60 });
        var twice = SparseParityTrainer.Train(Tiny with { Steps = 60 });
        Assert.Equal(again.Evaluations.Select(e => (e.TrainLoss, e.TestLoss)), twice.Evaluations.Select(e => (e.TrainLoss, e.TestLoss)));
        Assert.Equal(again.Evaluations[^1].TaskLosses, twice.Evaluations[^1].TaskLosses);
    }

    [Fact]
    public void Fixed_dataset_mode_trains()
    {
        var run = SparseParityTrainer.Train(Tiny with { DatasetSize = 2000, Steps = 100 });
        Assert.True(run.FinalTestLoss < run.Evaluations[0].TestLoss);
    }

    [Fact]
    public void Convergence_steps_and_their_slope_come_from_the_per_task_losses()
    {
        // Task t (frequency p_t) drops below the threshold at step ≈ 10/p_t: the fitted slope is −1.
        var options = new SparseParityOptions { Tasks = 6, ConvergenceLoss = 0.1 };
        var frequencies = new[] { 0.4, 0.2, 0.15, 0.1, 0.1, 0.05 };
        var evaluations = new List<SparseParityEvaluation>();
        for (int step = 1; step <= 1000; step++)
            evaluations.Add(new SparseParityEvaluation(step, 0, 0, frequencies.Select((p, t) => t == 5 ? 0.69 : step >= 10 / p ? 0.01 : 0.69).ToArray()));
        var run = new SparseParityRun(options, frequencies, evaluations, 1);
        Assert.Equal(new int?[] { 25, 50, 67, 100, 100, null }, run.ConvergenceSteps());
        var fit = run.ConvergenceFit()!;
        Assert.Equal(1.0, fit.Alpha, 2);
        Assert.Equal(5, fit.Points);
    }

    [Fact]
    public void Report_writes_the_csv_files_summary_and_charts()
    {
        var folder = TestPaths.NewTempFolder();
        var run = SparseParityTrainer.Train(Tiny with { Steps = 100 });
        SparseParityReport.Write(run, folder);
        var metrics = File.ReadAllLines(Path.Combine(folder, "metrics.csv"));
        Assert.Equal("step,train_loss,test_loss", metrics[0]);
        Assert.Equal(run.Evaluations.Count + 1, metrics.Length);
        Assert.Equal("step,task_0,task_1,task_2,task_3", File.ReadLines(Path.Combine(folder, "per_task_loss.csv")).First());
        var convergence = File.ReadAllLines(Path.Combine(folder, "convergence.csv"));
        Assert.Equal("task,frequency,convergence_step", convergence[0]);
        Assert.Equal(5, convergence.Length);
        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        Assert.Equal(run.Parameters, summary.RootElement.GetProperty("parameters").GetInt64());
        Assert.Equal((4 + 8) * 32 + 32 + 2 * 32 + 2, run.Parameters);
        Assert.True(File.Exists(Path.Combine(folder, "per_task_loss.png")));
    }
}
