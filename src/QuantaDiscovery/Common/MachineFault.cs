namespace QuantaDiscovery.Common;

/// <summary>
/// Failures of the machine rather than of the input or the code: a full disk or an exhausted disk quota. Like bad input they
/// are the user's to fix (free space, then run again; finished pipeline stages are kept), so they are reported in one line
/// with exit code 2, not as a bug with a stack trace. This is the one place that recognises them.
/// </summary>
public static class MachineFault
{
    // Linux errno values: .NET's IOException carries the raw errno as its HResult on Unix.
    private const int NoSpaceLeft = 28, QuotaExceeded = 122;
    // Windows: ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL as HRESULTs.
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027), WindowsDiskFull = unchecked((int)0x80070070);

    /// <summary>The one-line description of <paramref name="error"/> (or of an exception inside it) when it is a machine fault; else null.</summary>
    public static string? Describe(Exception error)
    {
        // an AggregateException's InnerException is its first inner exception
        for (Exception? e = error; e is not null; e = e.InnerException)
            if (IsDiskFull(e))
                return $"the disk is full ({e.Message}): free some space and run again";
        return null;
    }

    private static bool IsDiskFull(Exception e) =>
        e is IOException { HResult: NoSpaceLeft or QuotaExceeded or WindowsHandleDiskFull or WindowsDiskFull }
        // libtorch and other native writers report the C library's message, not an errno
        || e.Message.Contains("No space left on device", StringComparison.Ordinal)
        || e.Message.Contains("Disk quota exceeded", StringComparison.Ordinal);
}
