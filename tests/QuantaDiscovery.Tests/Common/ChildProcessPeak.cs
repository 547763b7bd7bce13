using System.Diagnostics;

namespace QuantaDiscovery.Tests.Common;

/// <summary>
/// Runs the <c>quanta</c> CLI of this build in a child process under GNU time and reads the child's peak resident set
/// (getrusage's ru_maxrss): unlike the shared test process, the child starts bare, so the peak is the step's own.
/// </summary>
public static class ChildProcessPeak
{
    private const string GnuTime = "/usr/bin/time";

    /// <summary>Linux with GNU time installed (elsewhere the memory tests return without measuring).</summary>
    public static bool Available => OperatingSystem.IsLinux() && File.Exists(GnuTime);

    /// <summary>Peak resident bytes and standard error of <c>quanta <paramref name="arguments"/></c>, which must exit 0.</summary>
    public static (long PeakBytes, string Error) Quanta(params string[] arguments)
    {
        var report = Path.Combine(TestPaths.NewTempFolder(), "time.txt");
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var cli = Path.Combine(AppContext.BaseDirectory, "quanta.dll");
        var start = new ProcessStartInfo(GnuTime, ["-f", "%M", "-o", report, host, cli, .. arguments])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"quanta {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result}{output.Result}");
        var kib = long.Parse(File.ReadAllLines(report).Last(l => l.Trim().Length > 0).Trim());
        return (kib * 1024, error.Result);
    }
}
