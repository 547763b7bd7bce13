using System.Runtime.InteropServices;

namespace QuantaDiscovery.Common;

/// <summary>
/// Keeps freed native memory in the process for reuse, a process-wide setting the CLI makes at start like the thread count.
/// glibc serves every block above 32 MiB (a logits tensor of 2,048 positions × 4,268 tokens is 35 MB) with a fresh
/// mmap and unmaps it on free, so libtorch touches new pages for every such tensor; on virtual machines a first touch
/// costs ~15 µs per 4 KiB page, which made a training update of the smallest pico model 27× slower (0.63 s instead of
/// 0.023 s; benchmarks/RESULTS.md, "train-lm"). With mmap off and trimming off, freed blocks return to glibc's heap
/// and are reused. Peak memory is unchanged; the process keeps its peak until it exits. The clustering stage returns large
/// blocks instead for its own duration (<see cref="ReturnLargeBlocksWhile"/>).
/// </summary>
public static partial class NativeHeap
{
    private const int MallocTrimThreshold = -1; // M_TRIM_THRESHOLD in glibc's malloc.h
    private const int MallocMmapThreshold = -3; // M_MMAP_THRESHOLD
    private const int MallocMmapMax = -4;       // M_MMAP_MAX
    private const int GlibcMmapMax = 65536;     // glibc's default M_MMAP_MAX
    private const int LargeBlockBytes = 8 << 20;  // M_MMAP_THRESHOLD and M_TRIM_THRESHOLD of ReturnLargeBlocks

    /// <summary>Whether <see cref="KeepFreedPages"/> was called (read when the first <see cref="ReturnLargeBlocksWhile"/> scope opens).</summary>
    private static bool keepingFreedPages;

    public static void KeepFreedPages()
    {
        if (!OperatingSystem.IsLinux()) return;
        keepingFreedPages = true;
        try
        {
            Mallopt(MallocMmapMax, 0);
            Mallopt(MallocTrimThreshold, int.MaxValue);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc (musl, for example): its allocator's defaults stay
        }
    }

    /// <summary>
    /// For steps whose working set changes shape between phases (spectral clustering: the eigensolver's n × b float32 blocks,
    /// then the embedding for k-means): blocks of 8 MiB or more are mapped on their own again and unmapped when freed, and
    /// free memory at the heap's top goes back. With <see cref="KeepFreedPages"/> in force, freed blocks stay as holes in
    /// glibc's heap; at n = 80,000 and K = 64 the solver's 25.6 MB blocks (below a 32 MiB threshold too) left the resident
    /// set growing by about a block per filter step, 0.95–1.3 GB at its peak from run to run; with 8 MiB it was 443 MiB in
    /// each run (2026-12-03). The n-row passes work in chunks of about 4 MB, which stay in the heap and are reused.
    /// </summary>
    private static void ReturnLargeBlocks()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            Mallopt(MallocMmapMax, GlibcMmapMax);
            Mallopt(MallocMmapThreshold, LargeBlockBytes);
            Mallopt(MallocTrimThreshold, LargeBlockBytes);
            MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc: nothing to change
        }
    }

    /// <summary>
    /// Large blocks returned (<see cref="ReturnLargeBlocks"/>) until disposed, then <see cref="KeepFreedPages"/> again if it
    /// was in force. The clustering stage runs in it wherever it runs (<c>quanta cluster</c>, <c>quanta qdg</c>, a pipeline's qdg stage):
    /// inside <c>quanta qdg</c>, where the CLI keeps freed pages, clustering 17,954 tokens into K = 1,000 took the process
    /// from 549 MiB to 1.38 GiB, where <c>quanta cluster</c> alone needs 725 MiB in all (2026-12-03).
    /// </summary>
    public static IDisposable ReturnLargeBlocksWhile()
    {
        lock (Gate)
        {
            // Scopes may overlap (clusterings on several threads): the first one in switches, the last one out restores.
            if (openScopes++ == 0)
            {
                restoreAfterScopes = keepingFreedPages;
                ReturnLargeBlocks();
            }
        }
        return new Scope();
    }

    private static readonly object Gate = new();
    private static int openScopes;
    private static bool restoreAfterScopes;

    private sealed class Scope : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            lock (Gate)
            {
                if (disposed) return;
                disposed = true;
                if (--openScopes == 0 && restoreAfterScopes) KeepFreedPages();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
