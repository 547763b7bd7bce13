using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Report;
using QuantaDiscovery.Scaling;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Scaling;

public class ScalingReportTests
{
    /// <summary>Three sizes × two steps; the largest final checkpoint has a quarter of its tokens near zero.</summary>
    private static LossMatrix Suite(bool anyNearZero)
    {
        var models = new List<ModelInfo>();
        var losses = new List<float[]>();
        var random = new Random(1);
        foreach (var (n, size) in new[] { (1e3, 0), (1e4, 1), (1e5, 2) })
            foreach (var step in new long[] { 10, 100 })
            {
                models.Add(new ModelInfo($"m{size}/step{step}", n, step));
                losses.Add(Enumerable.Range(0, 400).Select(t =>
                    anyNearZero && size == 2 && step == 100 && t % 4 == 0 ? 0.01f
                        : (float)(4.0 * Math.Pow(n, -0.05) * (step == 10 ? 1.2 : 1.0) + 0.1 * random.NextDouble())).ToArray());
            }
        return new LossMatrix(new ModelSuite(models, "models.csv"), [.. losses], null, []);
    }

    [Fact]
    public void TheSummaryTableRowsAndNotesAreWrittenAndShownAtTheTopOfTheReport()
    {
        var folder = TestPaths.NewTempFolder();
        var summary = ScalingAnalysis.Run(Suite(anyNearZero: true), new ScalingOptions(BootstrapReplicates: 50));
        ScalingReport.Write(summary, Path.Combine(folder, "scaling"));

        var rows = PaperComparison.Read(Path.Combine(folder, "scaling"));
        Assert.Equal(3, rows.Count);
        var alpha = rows[0];
        Assert.Equal(summary.LossVsParams!.AlphaN, alpha.Measured);
        Assert.True(alpha.Lower <= alpha.Measured && alpha.Measured <= alpha.Upper);
        Assert.Contains("0.083", alpha.Paper);
        Assert.Equal(0.25, rows[1].Measured, 1e-12);
        Assert.True(File.Exists(Path.Combine(folder, "scaling", "near_zero_fraction.png")));   // the size × step heatmap

        var index = ReportIndex.Write(Path.Combine(folder, "report"), "t", [("Scaling", Path.Combine(folder, "scaling"))]);
        var html = File.ReadAllText(index);
        Assert.True(html.IndexOf("Measured here and in the paper", StringComparison.Ordinal) < html.IndexOf("<h2>Scaling", StringComparison.Ordinal));
        Assert.Contains(alpha.Measured.ToString("G4", System.Globalization.CultureInfo.InvariantCulture), html);
        Assert.Contains("<code>../scaling</code>", html);
        Assert.DoesNotContain(folder, html);   // paths relative to the report
    }

    [Fact]
    public void AShareThatIsZeroEverywhereIsSaidInWordsInsteadOfPlotted()
    {
        var folder = TestPaths.NewTempFolder();
        ScalingReport.Write(ScalingAnalysis.Run(Suite(anyNearZero: false), new ScalingOptions()), folder);
        Assert.False(File.Exists(Path.Combine(folder, "near_zero_fraction.png")));
        Assert.False(File.Exists(Path.Combine(folder, "emergence.png")));
        Assert.Contains(Notes.Read(folder), n => n.StartsWith("No token of any model or checkpoint has a loss below 0.1 nats"));
        Assert.Contains("No token of any model", File.ReadAllText(ReportIndex.Write(Path.Combine(folder, "r"), "t", [("S", folder)])));
    }
}
