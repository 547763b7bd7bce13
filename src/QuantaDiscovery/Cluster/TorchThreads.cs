using TorchSharp;
using static TorchSharp.torch;

namespace QuantaDiscovery.Cluster;

/// <summary>
/// Coarse-grained parallelism over libtorch calls that each run on one intra-op thread. On a busy machine
/// libtorch's OpenMP pool (threads that spin at barriers waiting for each other) runs several times slower
/// than one thread; independent calls on .NET threads have no barriers and use every core when it is free.
/// </summary>
internal static class TorchThreads
{
    /// <summary>Runs <paramref name="work"/> with libtorch limited to one intra-op thread, then restores the setting.</summary>
    public static T SingleThreaded<T>(Func<T> work)
    {
        int previous = get_num_threads();
        set_num_threads(1);
        try { return work(); }
        finally { set_num_threads(previous); }
    }

    /// <summary>A·B with the rows of A split into one block per core, each multiplied on its own .NET thread.</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        long rows = a.shape[0];
        int blocks = (int)Math.Min(Environment.ProcessorCount, Math.Max(1, rows / 256));
        if (blocks == 1) return mm(a, b);
        var result = empty(rows, b.shape[1], a.dtype);
        long step = (rows + blocks - 1) / blocks;
        Parallel.For(0, blocks, block =>
        {
            long start = block * step, length = Math.Min(step, rows - start);
            using var rowsOfA = a.narrow(0, start, length);
            using var target = result.narrow(0, start, length);
            using var product = mm(rowsOfA, b);
            target.copy_(product);
        });
        return result;
    }
}
