using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Sdk;

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

    /// <summary>What <see cref="CheckLinksAsync"/> found: counts, the images and links that failed, and the console messages.</summary>
    public sealed record LinkCheck(int Images, int Links, IReadOnlyList<string> Problems, IReadOnlyList<string> ConsoleMessages);

    /// <summary>
    /// Loads a copy of <paramref name="htmlPath"/>, written beside it so relative links resolve alike, with a script that, once
    /// the page has loaded, notes every &lt;img&gt; whose naturalWidth is 0 and requests every &lt;a href&gt; (local files are
    /// readable under --allow-file-access-from-files), noting those that fail. The page must hold no script of its own.
    /// </summary>
    public static async Task<LinkCheck> CheckLinksAsync(string htmlPath)
    {
        const string Checker = """
            <script>
            addEventListener('load', async () => {
              const problems = [];
              for (const image of document.images)
                if (!image.complete || image.naturalWidth === 0) problems.push('image ' + image.getAttribute('src'));
              const links = [...document.querySelectorAll('a[href]')];
              for (const link of links) {
                const loaded = await new Promise(resolve => {
                  const request = new XMLHttpRequest();
                  request.open('GET', link.href);
                  request.onload = () => resolve(request.status === 0 || request.status === 200);
                  request.onerror = () => resolve(false);
                  request.send();
                });
                if (!loaded) problems.push('link ' + link.getAttribute('href'));
              }
              document.documentElement.dataset.problems = JSON.stringify(problems);
              document.documentElement.dataset.checked = `${document.images.length} ${links.length}`;
            });
            </script>
            """;
        var html = await File.ReadAllTextAsync(htmlPath);
        Assert.DoesNotContain("<script", html);
        var checkPage = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(htmlPath))!, $".link-check-{Guid.NewGuid():N}.html");
        await File.WriteAllTextAsync(checkPage, html.Replace("</body>", Checker + "\n</body>", StringComparison.Ordinal));
        try
        {
            var run = await RunAsync(checkPage, "--dump-dom", "--allow-file-access-from-files", "--virtual-time-budget=30000");
            string? Attribute(string name) => Regex.Match(run.Stdout, $"<html[^>]* {name}=\"([^\"]*)\"") is { Success: true } m
                ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
            var counts = Attribute("data-checked")?.Split(' ') ?? throw new XunitException($"the link check did not finish:\n{string.Join('\n', run.ConsoleMessages)}");
            var problems = JsonSerializer.Deserialize<string[]>(Attribute("data-problems")!)!;
            return new LinkCheck(int.Parse(counts[0], CultureInfo.InvariantCulture), int.Parse(counts[1], CultureInfo.InvariantCulture), problems, run.ConsoleMessages);
        }
        finally
        {
            File.Delete(checkPage);
        }
    }

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
