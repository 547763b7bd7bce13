using System.Globalization;

namespace QuantaDiscovery.Common;

/// <summary>What a step is expected to need before it starts: peak resident memory of the whole process and wall time.</summary>
/// <param name="Step">what runs, in words (e.g. "m-NN graph, exact, n = 100,000, d = 1,024, m = 30")</param>
/// <param name="PeakBytes">the process's expected peak resident set</param>
/// <param name="Seconds">a rough wall time at <see cref="MemoryBudget.FlopsPerSecond"/></param>
public sealed record ResourceEstimate(string Step, long PeakBytes, double Seconds)
{
    public override string ToString() =>
        $"{Step}: about {MemoryBudget.Format(PeakBytes)} peak memory, {MemoryBudget.FormatSeconds(Seconds)}";

    /// <summary>
    /// Steps that run one after another in one process: the summed time, and as the peak the process's base plus every
    /// step's own increment over it. The process keeps most of what an earlier step took (the GC's heap and the native
    /// allocator's arenas are seldom handed back): qdg of 17,954 tokens into K = 1,000 peaked at 956 MiB, against 852 MiB
    /// by this sum and 664 MiB for its largest step alone (2026-12-03).
    /// </summary>
    public static ResourceEstimate Sequence(string step, IEnumerable<ResourceEstimate> steps)
    {
        var list = steps.ToList();
        long increments = list.Sum(s => Math.Max(0, s.PeakBytes - MemoryBudget.ProcessBaseBytes));
        return new ResourceEstimate(step, MemoryBudget.ProcessBaseBytes + increments, list.Sum(s => s.Seconds));
    }
}

/// <summary>
/// Memory known before a step runs: the available memory (MemAvailable of /proc/meminfo, or the GC's view of the
/// machine elsewhere), a user's <c>--max-memory</c> instead, and the refusal of an estimate above it, naming the
/// largest setting that fits.
/// </summary>
public static class MemoryBudget
{
    /// <summary>The runtime, libtorch and the CLI before any data: measured at ~250 MiB resident on this project's CLI.</summary>
    public const long ProcessBaseBytes = 256L << 20;

    /// <summary>Sustained float32 rate the time estimates assume (two loaded cores here, about 4·10⁹ flop/s of matrix products).</summary>
    public const double FlopsPerSecond = 4e9;

    /// <summary>Memory a step may use: <paramref name="maxMemory"/> when given (<c>--max-memory</c>), else what the machine has available now.</summary>
    public static long Budget(string? maxMemory) => maxMemory is null ? Available() : Parse(maxMemory);

    /// <summary>MemAvailable (Linux), or the GC's total available memory elsewhere.</summary>
    public static long Available()
    {
        const string meminfo = "/proc/meminfo";
        if (File.Exists(meminfo))
            foreach (var line in File.ReadLines(meminfo))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out long kib))
                    return kib * 1024;
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    /// <summary>Parses a size: bytes, or a number with K, M, G or T (powers of 1024; "GiB", "G" and "GB" alike).</summary>
    public static long Parse(string text)
    {
        var trimmed = text.Trim();
        int split = 0;
        while (split < trimmed.Length && (char.IsDigit(trimmed[split]) || trimmed[split] == '.')) split++;
        var unit = trimmed[split..].Trim().ToUpperInvariant().Replace("IB", "").Replace("B", "");
        long scale = unit switch { "" => 1, "K" => 1L << 10, "M" => 1L << 20, "G" => 1L << 30, "T" => 1L << 40, _ => 0 };
        if (scale == 0 || !double.TryParse(trimmed[..split], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0)
            throw new InputException($"max-memory: cannot read '{text}' as a size (e.g. 20G, 512M, 1073741824)");
        return (long)(value * scale);
    }

    /// <summary>
    /// Throws an <see cref="InputException"/> (exit 2) when <paramref name="estimate"/> exceeds <paramref name="budget"/>,
    /// naming <paramref name="largestFitting"/> (the largest setting that fits, in words) and the override.
    /// </summary>
    public static void Check(ResourceEstimate estimate, long budget, string largestFitting, string? path = null)
    {
        if (estimate.PeakBytes <= budget) return;
        throw new InputException($"{estimate.Step} needs about {Format(estimate.PeakBytes)} but {Format(budget)} is available; " +
            $"{largestFitting} (or raise the max-memory limit to override)", path);
    }

    /// <summary>The largest x in [lowest, highest] whose estimate fits the budget (estimates grow with x), or null.</summary>
    public static int? LargestFitting(int lowest, int highest, long budget, Func<int, long> peak)
    {
        if (lowest > highest || peak(lowest) > budget) return null;
        while (lowest < highest)
        {
            int middle = lowest + (highest - lowest + 1) / 2;
            if (peak(middle) <= budget) lowest = middle; else highest = middle - 1;
        }
        return lowest;
    }

    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} KiB"),
    };

    public static string FormatSeconds(double seconds) => seconds switch
    {
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, seconds):F0} s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:F0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:F1} h"),
    };
}
