using System.Diagnostics;
using QuantaDiscovery.Fit;
using QuantaDiscovery.Toys.Grokking;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantaDiscovery.Toys.SparseParity;

/// <summary>Losses at one evaluation: the training batch loss, the expected test loss Σ p_i L_i, and every task's loss L_i.</summary>
public sealed record SparseParityEvaluation(int Step, double TrainLoss, double TestLoss, double[] TaskLosses);

/// <summary>A finished run.</summary>
public sealed record SparseParityRun(SparseParityOptions Options, double[] Frequencies, IReadOnlyList<SparseParityEvaluation> Evaluations, double WallSeconds)
{
    public long Parameters => Options.Parameters;
    public double FinalTestLoss => Evaluations[^1].TestLoss;

    /// <summary>Per task (0-based), the first evaluated step at which its loss fell below the convergence threshold, or null.</summary>
    public int?[] ConvergenceSteps()
    {
        var steps = new int?[Frequencies.Length];
        foreach (var evaluation in Evaluations)
            for (int t = 0; t < steps.Length; t++)
                if (steps[t] is null && evaluation.TaskLosses[t] < Options.ConvergenceLoss)
                    steps[t] = evaluation.Step;
        return steps;
    }

    /// <summary>
    /// Log-log fit of convergence step against task frequency over the tasks that converged after step 0.
    /// Its slope (−Alpha of the fit) is the paper's −0.81 (theory −1: a task is learned once it has been seen
    /// a fixed number of times). Null with fewer than three such tasks.
    /// </summary>
    public PowerLawFitResult? ConvergenceFit()
    {
        var steps = ConvergenceSteps();
        var converged = Enumerable.Range(0, steps.Length).Where(t => steps[t] > 0).ToArray();
        if (converged.Length < 3 || converged.Select(t => Frequencies[t]).Distinct().Count() < 2)
            return null;
        return PowerLawFit.LogLog(converged.Select(t => Frequencies[t]).ToArray(), converged.Select(t => (double)steps[t]!.Value).ToArray());
    }
}

/// <summary>Trains the one-hidden-layer MLP of Michaud et al. 2023 on multitask sparse parity.</summary>
public static class SparseParityTrainer
{
    /// <summary>The MLP: (n_tasks + n) → w ReLU → 2 logits.</summary>
    public static nn.Module<Tensor, Tensor> CreateModel(int inputWidth, int width) =>
        nn.Sequential(nn.Linear(inputWidth, width), nn.ReLU(), nn.Linear(width, 2));

    /// <param name="progress">called after every evaluation</param>
    public static SparseParityRun Train(SparseParityOptions options, Action<SparseParityEvaluation>? progress = null)
    {
        // Autograd is a per-thread libtorch setting: a caller's no_grad scope must not reach the training steps.
        using var autograd = enable_grad();
        options.Validate();
        var task = new SparseParityTask(options.Tasks, options.Bits, options.SubsetSize, options.Alpha, options.Seed, options.DistinctSubsets);
        var dtype = options.Precision == Precision.Float64 ? ScalarType.Float64 : ScalarType.Float32;

        using var model = SeededInit.Create(options.Seed, () => CreateModel(task.InputWidth, options.Width));
        model.to(dtype);
        using var optimizer = optim.AdamW(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay);

        // Separate streams, so that the evaluation set does not depend on the training length or D.
        using var trainGenerator = new Generator((ulong)options.Seed * 2 + 1);
        using var evalGenerator = new Generator((ulong)options.Seed * 2 + 2);
        var (evalInputs, evalLabels, evalTasks) = task.SamplePerTask(options.EvalSamplesPerTask, evalGenerator, dtype);
        using var frequencies = tensor(task.Frequencies, dtype: ScalarType.Float64);
        (Tensor Inputs, Tensor Labels, Tensor Tasks)? dataset = options.DatasetSize is { } size ? task.Sample(size, trainGenerator, dtype) : null;

        var evaluations = new List<SparseParityEvaluation>();
        var clock = Stopwatch.StartNew();
        Tensor? epochOrder = null;
        long epochPosition = 0;
        int risesInARow = 0;
        for (int step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            Tensor inputs, labels;
            if (dataset is { } fixedSet)
            {
                long datasetRows = fixedSet.Labels.shape[0];
                if (options.BatchSize >= datasetRows)
                    (inputs, labels) = (fixedSet.Inputs, fixedSet.Labels);
                else if (options.ShuffleEpochs)
                {
                    // The authors' FastTensorDataLoader(shuffle=True) under cycle(): a fresh permutation each epoch, consecutive
                    // minibatches of it, the last one of an epoch shorter.
                    if (epochOrder is null || epochPosition >= datasetRows)
                    {
                        epochOrder?.Dispose();
                        epochOrder = randperm(datasetRows, generator: trainGenerator).MoveToOuterDisposeScope();
                        epochPosition = 0;
                    }
                    long end = Math.Min(datasetRows, epochPosition + options.BatchSize);
                    var batch = epochOrder[TensorIndex.Slice(epochPosition, end)];
                    epochPosition = end;
                    (inputs, labels) = (fixedSet.Inputs[batch], fixedSet.Labels[batch]);
                }
                else
                {
                    var rows = randint(0, fixedSet.Labels.shape[0], [options.BatchSize], dtype: ScalarType.Int64, generator: trainGenerator);
                    (inputs, labels) = (fixedSet.Inputs[rows], fixedSet.Labels[rows]);
                }
            }
            else
                (inputs, labels, _) = task.Sample(options.BatchSize, trainGenerator, dtype);

            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(inputs), labels);
            loss.backward();
            optimizer.step();

            int updates = step + 1;
            if (updates == 1 || updates % options.EvalEvery == 0 || updates == options.Steps)
            {
                var evaluation = Evaluate(model, evalInputs, evalLabels, frequencies, options, updates, loss.item<float>());
                evaluations.Add(evaluation);
                progress?.Invoke(evaluation);
                if (options.EarlyStopping && dataset is not null)
                {
                    // sparse-parity-v5.py: a "trigger" when the test loss rose since the last evaluation after step 4,000;
                    // stop after 10 triggers in a row.
                    bool rose = updates > 4000 && evaluations.Count >= 2 && evaluation.TestLoss > evaluations[^2].TestLoss;
                    risesInARow = rose ? risesInARow + 1 : 0;
                    if (risesInARow >= 10) break;
                }
            }
        }
        epochOrder?.Dispose();
        clock.Stop();
        evalInputs.Dispose(); evalLabels.Dispose(); evalTasks.Dispose();
        if (dataset is { } d)
        {
            d.Inputs.Dispose(); d.Labels.Dispose(); d.Tasks.Dispose();
        }
        return new SparseParityRun(options, task.Frequencies, evaluations, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Per-task mean cross-entropy on the grouped evaluation set, and the frequency-weighted test loss.</summary>
    private static SparseParityEvaluation Evaluate(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, Tensor frequencies,
        SparseParityOptions options, int step, double trainLoss)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var perSample = nn.functional.cross_entropy(model.forward(inputs), labels, reduction: nn.Reduction.None);
        var perTask = perSample.to(ScalarType.Float64).view(options.Tasks, options.EvalSamplesPerTask).mean([1]);
        double testLoss = perTask.mul(frequencies).sum().item<double>();
        return new SparseParityEvaluation(step, trainLoss, testLoss, perTask.data<double>().ToArray());
    }
}
