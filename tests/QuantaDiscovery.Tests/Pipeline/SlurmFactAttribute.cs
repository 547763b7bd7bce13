using System.Diagnostics;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Pipeline;

/// <summary>
/// A fact that needs a Slurm cluster answering on this machine. When <c>sinfo</c> is installed but no node answers,
/// it tries pipelines/slurm/start-local-slurm.sh once (as root); otherwise the test is skipped, saying why.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(FindProblem);

    public SlurmFactAttribute()
    {
        if (Unavailable.Value is { } reason) Skip = reason;
    }

    private static string? FindProblem()
    {
        if (Run("sinfo", "--version", 10) is null)
            return "Slurm is not installed (apt-get install slurm-wlm munge, then pipelines/slurm/start-local-slurm.sh)";
        if (Answers()) return null;
        if (Environment.UserName == "root" && Run(TestPaths.InRepo("pipelines/slurm/start-local-slurm.sh"), "", 90) is not null && Answers())
            return null;
        return "Slurm is installed but no node answers `sinfo` (start one with pipelines/slurm/start-local-slurm.sh)";
    }

    private static bool Answers() => Run("sinfo", "-h -o %T", 10) is { } states && (states.Contains("idle") || states.Contains("mix") || states.Contains("alloc"));

    /// <summary>Standard output of a command that exits 0 within the time limit; null otherwise.</summary>
    internal static string? Run(string file, string arguments, int timeoutSeconds)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            return process.ExitCode == 0 ? output.Result : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
