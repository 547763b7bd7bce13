using TorchSharp;
using static TorchSharp.torch;

namespace QuantaDiscovery.Toys.SparseParity;

/// <summary>
/// Multitask sparse parity (Michaud et al. 2023, §3): an input is a one-hot task id (n_tasks control
/// bits) followed by n random data bits; the label is the parity of the k data bits that belong to the
/// task. Each task has its own fixed, seeded subset of k positions, and task i (1-based) is drawn with
/// probability p_i ∝ i^−(α+1), so that the loss of a model that has learned the n most frequent tasks
/// scales as n^−α.
/// </summary>
/// <remarks>
/// The authors' code calls the exponent of the task distribution "alpha"; that is our α + 1 (the paper's
/// α is the scaling exponent). Their paper setting is n_tasks = 500, n = 100, k = 3, α = 0.4.
/// </remarks>
public sealed class SparseParityTask
{
    public int Tasks { get; }
    public int Bits { get; }
    public int SubsetSize { get; }
    public double Alpha { get; }

    /// <summary>The data-bit positions (0-based, within the n data bits) of each task's parity, sorted.</summary>
    public IReadOnlyList<int[]> Subsets { get; }

    /// <summary>p_i ∝ i^−(α+1), normalised, for tasks i = 1…n_tasks (index 0 is task 1, the most frequent).</summary>
    public double[] Frequencies { get; }

    /// <summary>Input width: n_tasks control bits plus n data bits.</summary>
    public int InputWidth => Tasks + Bits;

    private readonly Tensor subsetTensor;   // [n_tasks, k] int64
    private readonly Tensor frequencyTensor; // [n_tasks] float64

    public SparseParityTask(int tasks, int bits, int subsetSize, double alpha, int seed, bool distinctSubsets = false)
    {
        if (tasks < 1)
            throw new ArgumentOutOfRangeException(nameof(tasks), tasks, "need at least one task");
        if (subsetSize < 1 || subsetSize > bits)
            throw new ArgumentOutOfRangeException(nameof(subsetSize), subsetSize, $"k must lie in [1, n = {bits}]");
        if (!(alpha > -1) || !double.IsFinite(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must be finite and > −1 (the frequencies are i^−(α+1))");
        (Tasks, Bits, SubsetSize, Alpha) = (tasks, bits, subsetSize, alpha);

        var random = new Random(seed);
        var subsets = new int[tasks][];
        var positions = Enumerable.Range(0, bits).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // Distinct subsets as in the authors' script: up to 10·n_tasks draws, then give up.
        int draws = 0;
        for (int t = 0; t < tasks; t++)
        {
            random.Shuffle(positions);
            subsets[t] = positions[..subsetSize].Order().ToArray();
            if (!distinctSubsets || seen.Add(string.Join(',', subsets[t]))) continue;
            if (++draws > 10 * tasks)
                throw new ArgumentOutOfRangeException(nameof(tasks), tasks, $"could not find {tasks} distinct {subsetSize}-subsets of {bits} bits");
            t--;
        }
        Subsets = subsets;

        var weights = Enumerable.Range(1, tasks).Select(i => Math.Pow(i, -(alpha + 1))).ToArray();
        double total = weights.Sum();
        Frequencies = weights.Select(w => w / total).ToArray();

        subsetTensor = tensor(subsets.SelectMany(s => s.Select(p => (long)p)).ToArray(), [tasks, subsetSize]);
        frequencyTensor = tensor(Frequencies);
    }

    /// <summary>
    /// A batch drawn from the task distribution: inputs [batch, n_tasks + n] of 0/1 in <paramref name="dtype"/>,
    /// labels [batch] int64 in {0, 1}, and task ids [batch] int64 (0-based).
    /// </summary>
    public (Tensor Inputs, Tensor Labels, Tensor TaskIds) Sample(int batch, Generator generator, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var taskIds = multinomial(frequencyTensor, batch, replacement: true, generator: generator);
        var (inputs, labels) = Encode(taskIds, generator, dtype);
        return (inputs.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), taskIds.MoveToOuterDisposeScope());
    }

    /// <summary><paramref name="samplesPerTask"/> samples of every task, grouped by task: rows t·m … t·m + m − 1 belong to task t.</summary>
    public (Tensor Inputs, Tensor Labels, Tensor TaskIds) SamplePerTask(int samplesPerTask, Generator generator, ScalarType dtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var taskIds = arange(Tasks, dtype: ScalarType.Int64).repeat_interleave(samplesPerTask);
        var (inputs, labels) = Encode(taskIds, generator, dtype);
        return (inputs.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), taskIds.MoveToOuterDisposeScope());
    }

    private (Tensor Inputs, Tensor Labels) Encode(Tensor taskIds, Generator generator, ScalarType dtype)
    {
        long batch = taskIds.shape[0];
        var bits = randint(0, 2, [batch, Bits], dtype: ScalarType.Int64, generator: generator);
        var labels = bits.gather(1, subsetTensor[taskIds]).sum(1).remainder(2);
        var inputs = cat([nn.functional.one_hot(taskIds, Tasks), bits], 1).to(dtype);
        return (inputs, labels);
    }
}
