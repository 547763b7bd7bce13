using System.Diagnostics;
using System.Globalization;

namespace QuantaDiscovery.Pipeline;

/// <summary>
/// Writes a folder all at once: into a private <c>&lt;folder&gt;.partial-&lt;host&gt;-&lt;pid&gt;</c> renamed into place when
/// the writer succeeds and deleted when it fails, so a killed run leaves no half output (its partial folder is removed
/// by the next run on the same host once its process is gone).
/// </summary>
public static class AtomicFolder
{
    /// <param name="replace">replace an existing folder; otherwise, when another process published it first, its copy stays</param>
    public static async Task WriteAsync(string output, Func<string, Task> write, bool replace = false)
    {
        var partial = Begin(output);
        try
        {
            await write(partial);
            Publish(partial, output, replace);
        }
        catch
        {
            Abandon(partial);
            throw;
        }
    }

    private static string Begin(string output)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        RemoveAbandonedPartials(output);
        var partial = $"{output}.partial-{Environment.MachineName}-{Environment.ProcessId}";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        return partial;
    }

    private static void Publish(string partial, string output, bool replace)
    {
        if (Directory.Exists(output))
        {
            if (!replace)
            {
                Directory.Delete(partial, recursive: true); // another process finished the same work first
                return;
            }
            Directory.Delete(output, recursive: true);
        }
        Directory.Move(partial, output);
    }

    private static void Abandon(string partial)
    {
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
    }

    /// <summary>Deletes partial folders left by killed processes of this host (their pid is gone).</summary>
    private static void RemoveAbandonedPartials(string output)
    {
        var prefix = $"{Path.GetFileName(output)}.partial-{Environment.MachineName}-";
        foreach (var folder in Directory.EnumerateDirectories(Path.GetDirectoryName(output)!, prefix + "*"))
        {
            if (!int.TryParse(Path.GetFileName(folder)[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            bool alive;
            try
            {
                using var process = Process.GetProcessById(pid);
                alive = !process.HasExited;
            }
            catch (ArgumentException)
            {
                alive = false;
            }
            if (!alive || pid == Environment.ProcessId) Directory.Delete(folder, recursive: true);
        }
    }
}
