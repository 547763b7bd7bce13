using System.Runtime.InteropServices;

namespace QuantaDiscovery.Common;

/// <summary>A second name for a file's bytes: a hard link where the file system allows one, else a copy.</summary>
public static partial class FileLink
{
    /// <summary>
    /// Makes <paramref name="destination"/> (which must not exist) hold <paramref name="source"/>'s bytes: a hard link
    /// (no bytes copied; the two names share one file, so neither may be written in place afterwards), or a copy where
    /// links are not possible (another file system, Windows).
    /// </summary>
    /// <returns>true for a link, false for a copy</returns>
    public static bool LinkOrCopy(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                if (Link(source, destination) == 0) return true;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // no libc link(): copy
            }
        }
        File.Copy(source, destination);
        return false;
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);
}
