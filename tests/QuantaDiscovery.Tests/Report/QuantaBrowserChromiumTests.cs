using System.Text.RegularExpressions;
using QuantaDiscovery.Report;
using Xunit.Abstractions;

namespace QuantaDiscovery.Tests.Report;

public class QuantaBrowserChromiumTests(ITestOutputHelper output)
{
    [ChromiumFact]
    public async Task ReportRendersInChromiumWithoutErrorsAndKeepsHostileTextAsText()
    {
        var data = await QuantaBrowserTestData.CreateAsync();
        await QuantaBrowser.WriteAsync(data.Samples, data.Similarity, data.Clusters, data.Html, new QuantaBrowserOptions(K: 4, Examples: 50));

        var screenshot = Path.Combine(data.Folder, "report.png");
        var dom = await HeadlessChromium.RunAsync(data.Html, "--dump-dom", "--hide-scrollbars", "--window-size=1280,2400",
            $"--screenshot={screenshot}");
        output.WriteLine($"screenshot: {screenshot}");

        Assert.Empty(dom.ConsoleMessages);
        // The page's first script records errors on <html data-errors=…>; its last one marks <html data-ready=clusters> on finishing.
        var root = Regex.Match(dom.Stdout, "<html[^>]*>").Value;
        Assert.Equal("<html lang=\"en\" data-ready=\"4\">", root);
        // The hostile context stayed text: the parsed page holds no script element but the page's own two.
        Assert.Equal(2, Regex.Matches(dom.Stdout, "<script>").Count);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", dom.Stdout);
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is empty");
    }
}
