using System.Diagnostics;

namespace QuantaDiscovery.Tests.Report;

/// <summary>A fact that needs headless Chromium (Debian's <c>chromium</c> package); skipped, saying so, when it is absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(HeadlessChromium.Executable))
            Skip = $"{HeadlessChromium.Executable} is missing: install it with `apt-get install -y chromium` to check the report in a browser";
    }
}

/// <summary>Runs headless Chromium on a local page, isolated from the network and from any profile.</summary>
internal static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>The result of one run: what it printed on stdout, and the console messages the page logged.</summary>
    public sealed record Run(string Stdout, IReadOnlyList<string> ConsoleMessages);

    /// <param name="mode">output flags: <c>--dump-dom</c> and/or <c>--screenshot=&lt;png&gt;</c> with a window size</param>
    public static async Task<Run> RunAsync(string htmlPath, params string[] mode)
    {
        var profile = Directory.CreateTempSubdirectory("quanta-chromium-");
        try
        {
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.FullName}",
                         "--enable-logging=stderr", "--v=0", .. mode, new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri])
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("headless Chromium did not finish within 90 s");
            }
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}:\n{await stderr}");
            // Chromium logs every console message of the page (any level) as ":CONSOLE" on stderr with --enable-logging.
            var console = (await stderr).Split('\n').Where(line => line.Contains(":CONSOLE")).ToArray();
            return new Run(await stdout, console);
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
