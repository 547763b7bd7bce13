using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantaDiscovery.Common;

/// <summary>
/// libtorch's intra-op thread count as seen by one OS thread. The count is the caller's choice: the CLI sets it once for
/// the process (<c>torch.set_num_threads</c>), a caller that runs several things at once sets it per thread with
/// <see cref="OnThisThread"/>. The library never changes it for the process; where it splits work over .NET threads it uses
/// as many as the caller's count, each running libtorch on one thread, so results depend on the caller's count only.
/// </summary>
/// <remarks>
/// libtorch (built with OpenMP) reads the count from the calling thread's OpenMP setting (<c>omp_get_max_threads</c>) and
/// MKL's per-thread setting, and seeds a new thread's setting from the last process-wide <c>set_num_threads</c>. Both
/// per-thread settings are set here directly (<c>omp_set_num_threads</c>, <c>mkl_set_num_threads_local</c>), which leaves
/// every other thread alone. Where libtorch exports neither (another build), the scope changes nothing and the library
/// runs its .NET loops on one thread.
/// </remarks>
public static class TorchThreads
{
    /// <summary>libtorch's intra-op threads for calls made on the calling thread.</summary>
    public static int Count => get_num_threads();

    /// <summary>
    /// Until disposed, libtorch calls made on the calling thread use <paramref name="threads"/> intra-op threads (0 or
    /// less: the count the thread has); no other thread is affected. Dispose on the same thread (a scope does not follow an
    /// <c>await</c> to another thread).
    /// </summary>
    public static ThreadScope OnThisThread(int threads) => threads > 0 ? ThreadScope.Enter(threads) : default;

    /// <summary>The caller's thread count, kept while <see cref="SingleThreaded{T}"/> runs libtorch on one thread.</summary>
    private static readonly AsyncLocal<int> CallerCount = new();

    /// <summary>How many .NET threads the library's loops use: the caller's libtorch count.</summary>
    internal static int Width => CallerCount.Value > 0 ? CallerCount.Value : Native.Available ? Count : 1;

    /// <summary>
    /// Runs <paramref name="work"/> with libtorch on one thread on the calling thread, its loops (<see cref="For"/>) spread
    /// over the caller's count of .NET threads. On a busy machine libtorch's OpenMP team (threads that spin at barriers
    /// waiting for each other) runs several times slower than one thread; independent calls on .NET threads have no barriers.
    /// </summary>
    internal static T SingleThreaded<T>(Func<T> work)
    {
        int width = Width;
        int outer = CallerCount.Value;
        CallerCount.Value = width;
        try
        {
            using var single = ThreadScope.Enter(1);
            return work();
        }
        finally { CallerCount.Value = outer; }
    }

    /// <summary><paramref name="body"/>(i) for i in [0, count), on at most <see cref="Width"/> .NET threads, libtorch on one thread in each.</summary>
    internal static void For(int count, Action<int> body)
    {
        int width = Width;
        if (width == 1)
        {
            using var single = ThreadScope.Enter(1);
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = width }, i =>
        {
            using var single = ThreadScope.Enter(1);
            body(i);
        });
    }

    /// <summary>A·B with the rows of A split into one block per thread of <see cref="Width"/>, each multiplied on its own .NET thread.</summary>
    internal static Tensor MatMul(Tensor a, Tensor b)
    {
        long rows = a.shape[0];
        int blocks = (int)Math.Min(Width, Math.Max(1, rows / 256));
        if (blocks == 1) return mm(a, b);
        var result = empty(rows, b.shape[1], a.dtype);
        long step = (rows + blocks - 1) / blocks;
        For(blocks, block =>
        {
            long start = block * step, length = Math.Min(step, rows - start);
            using var rowsOfA = a.narrow(0, start, length);
            using var target = result.narrow(0, start, length);
            using var product = mm(rowsOfA, b);
            target.copy_(product);
        });
        return result;
    }

    /// <summary>The calling thread's libtorch thread count, restored on dispose.</summary>
    public readonly struct ThreadScope : IDisposable
    {
        private readonly int ompBefore, mklBefore;
        private readonly bool entered;

        private ThreadScope(int ompBefore, int mklBefore)
        {
            this.ompBefore = ompBefore;
            this.mklBefore = mklBefore;
            entered = true;
        }

        internal static ThreadScope Enter(int threads)
        {
            if (!Native.Available) return default;
            // libtorch's first parallel call on a thread copies the process-wide count into the thread's setting; making
            // that happen now keeps it from overwriting this scope later
            int before = get_num_threads();
            Native.SetOmp(threads);
            return new ThreadScope(before, Native.SetMklLocal(threads));
        }

        public void Dispose()
        {
            if (!entered) return;
            Native.SetOmp(ompBefore);
            Native.SetMklLocal(mklBefore);
        }
    }

    /// <summary>The per-thread setters of the OpenMP runtime and MKL that libtorch uses, found through libtorch's own library.</summary>
    private static unsafe class Native
    {
        private static readonly delegate* unmanaged<int, void> OmpSetNumThreads;
        private static readonly delegate* unmanaged<int, int> MklSetNumThreadsLocal;

        public static bool Available { get; }

        static Native()
        {
            get_num_threads(); // loads libtorch
            // dlsym on libtorch_cpu's handle also searches the libraries it depends on (its OpenMP runtime)
            if (!NativeLibrary.TryLoad(OperatingSystem.IsWindows() ? "torch_cpu.dll" : OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so", out var libtorch))
                return;
            if (!NativeLibrary.TryGetExport(libtorch, "omp_set_num_threads", out var omp)) return;
            // MKL's C entry point (mkl_service.h maps mkl_set_num_threads_local to it; the lower-case symbol is the Fortran one, by reference)
            NativeLibrary.TryGetExport(libtorch, "MKL_Set_Num_Threads_Local", out var mkl);
            OmpSetNumThreads = (delegate* unmanaged<int, void>)omp;
            MklSetNumThreadsLocal = (delegate* unmanaged<int, int>)mkl;
            Available = true;
        }

        public static void SetOmp(int threads) => OmpSetNumThreads(threads);

        /// <summary>Sets MKL's count for this thread (0: follow the process-wide one) and returns the previous per-thread value.</summary>
        public static int SetMklLocal(int threads) => MklSetNumThreadsLocal == null ? 0 : MklSetNumThreadsLocal(threads);
    }
}
