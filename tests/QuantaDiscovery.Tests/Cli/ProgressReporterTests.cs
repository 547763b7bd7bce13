using System.Text.Json;
using QuantaDiscovery.Cli;

namespace QuantaDiscovery.Tests.Cli;

/// <summary>The progress conventions of the long-running commands, on writers and a clock of the test's own.</summary>
public class ProgressReporterTests
{
    private sealed class FakeClock
    {
        public TimeSpan Now;
        public TimeSpan Read() => Now;
    }

    private static (ProgressReporter Reporter, StringWriter Progress, StringWriter Output, FakeClock Clock) Make(ProgressStyle style)
    {
        var clock = new FakeClock();
        var progress = new StringWriter();
        var output = new StringWriter();
        return (new ProgressReporter(progress, output, style, clock.Read), progress, output, clock);
    }

    [Fact]
    public void OnATerminalOneLineIsRedrawnWithBarRateAndEta()
    {
        var (reporter, progress, _, clock) = Make(ProgressStyle.Bar);
        reporter.Report(new("scoring", 0, "0 documents", 0, "tokens"));
        clock.Now = TimeSpan.FromSeconds(10);
        reporter.Report(new("scoring", 0.25, "25 documents", 5_000, "tokens"));
        clock.Now = TimeSpan.FromSeconds(10.1);   // within the redraw interval: not drawn yet
        reporter.Report(new("scoring", 0.26, "26 documents", 5_200, "tokens"));
        Assert.DoesNotContain("26 documents", progress.ToString());
        clock.Now = TimeSpan.FromSeconds(20);
        reporter.Finish();

        var text = progress.ToString();
        Assert.Equal(3, text.Count(c => c == '\r'));          // first draw, 25 %, and the final redraw on Finish
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("scoring [██████░░░░░░░░░░░░░░░░░░]  25% 25 documents · 500 tokens/s · ETA 00:00:30", text);
        Assert.Contains("26% 26 documents · 260 tokens/s · ETA 00:00:57 · 00:00:20 elapsed", text);
        Assert.EndsWith(Environment.NewLine, text);
    }

    [Fact]
    public void InALogPlainLinesComeAtMostEveryFewSecondsAndTheLastStateIsWritten()
    {
        var (reporter, progress, _, clock) = Make(ProgressStyle.Lines);
        for (int second = 0; second <= 12; second++)
        {
            clock.Now = TimeSpan.FromSeconds(second);
            reporter.Report(new("gradients", second / 100.0, $"{second}/100 tokens", second, "tokens"));
        }
        reporter.Finish();

        var lines = progress.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["gradients   0% 0/100 tokens · 00:00:00 elapsed",
            "gradients   5% 5/100 tokens · 1.0 tokens/s · ETA 00:01:35 · 00:00:05 elapsed",
            "gradients  10% 10/100 tokens · 1.0 tokens/s · ETA 00:01:30 · 00:00:10 elapsed",
            "gradients  12% 12/100 tokens · 1.0 tokens/s · ETA 00:01:28 · 00:00:12 elapsed"], lines);
        Assert.DoesNotContain('\r', progress.ToString());
        Assert.DoesNotContain('█', progress.ToString());
    }

    [Fact]
    public void ANewTaskEndsThePreviousOneAndRestartsTheClock()
    {
        var (reporter, progress, _, clock) = Make(ProgressStyle.Lines);
        reporter.Report(new("losses", 0.5, "half"));
        clock.Now = TimeSpan.FromSeconds(1);
        reporter.Report(new("losses", 1.0, "all"));
        clock.Now = TimeSpan.FromSeconds(3);
        reporter.Report(new("scaling", null, "fitting"));
        var lines = progress.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        // "all" (throttled at 1 s) is written when the next task starts, with the time the task ended.
        Assert.Equal(["losses  50% half · 00:00:00 elapsed", "losses 100% all · 00:00:03 elapsed", "scaling fitting · 00:00:00 elapsed"], lines);
    }

    [Fact]
    public void QuietAndJsonShowNeitherProgressNorNotes()
    {
        foreach (var style in new[] { ProgressStyle.Quiet, ProgressStyle.Json })
        {
            var (reporter, progress, _, clock) = Make(style);
            reporter.Report(new("grok", 0.1, "step 1"));
            clock.Now = TimeSpan.FromMinutes(1);
            reporter.Report(new("grok", 0.9, "step 9"));
            reporter.Note("wrote metrics.csv");
            reporter.Finish();
            Assert.Equal("", progress.ToString());
        }
    }

    [Fact]
    public void JsonReplacesTheUsualResultLinesWithOneSnakeCaseObject()
    {
        var (reporter, _, output, _) = Make(ProgressStyle.Json);
        bool printed = false;
        reporter.Result(new { Command = "losses", PredictedTokens = 252L, ModelTables = new[] { "a.parquet" } }, () => printed = true);

        Assert.False(printed);
        var line = Assert.Single(output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("losses", json.GetProperty("command").GetString());
        Assert.Equal(252, json.GetProperty("predicted_tokens").GetInt64());
        Assert.Equal("a.parquet", json.GetProperty("model_tables")[0].GetString());
    }

    [Fact]
    public void WithoutJsonTheCommandsOwnLinesArePrinted()
    {
        var (reporter, _, output, _) = Make(ProgressStyle.Quiet);
        reporter.Result(new { Command = "grok" }, () => output.WriteLine("memorised at step 15"));
        Assert.Equal("memorised at step 15" + Environment.NewLine, output.ToString());
    }

    [Theory]
    [InlineData("losses")]
    [InlineData("gradients")]
    [InlineData("qdg")]
    [InlineData("cluster")]
    [InlineData("train-lm")]
    [InlineData("grok")]
    [InlineData("sparse-parity")]
    [InlineData("run")]
    public void EveryLongRunningCommandTakesQuietAndJson(string name)
    {
        var command = QuantaCli.BuildRoot().Subcommands.Single(c => c.Name == name);
        Assert.Contains(command.Options, o => o.Name == ProgressReporter.QuietOption);
        Assert.Contains(command.Options, o => o.Name == ProgressReporter.JsonOption);
    }

    [Fact]
    public void TheCommandLineChoosesTheStyle()
    {
        ProgressStyle StyleOf(string[] args, bool terminal) =>
            ProgressReporter.For(QuantaCli.BuildRoot().Parse(args), TextWriter.Null, TextWriter.Null, terminal).Style;
        string[] grok = ["grok", "--output", "x"];
        Assert.Equal(ProgressStyle.Bar, StyleOf(grok, terminal: true));
        Assert.Equal(ProgressStyle.Lines, StyleOf(grok, terminal: false));
        Assert.Equal(ProgressStyle.Quiet, StyleOf([.. grok, "--quiet"], terminal: true));
        Assert.Equal(ProgressStyle.Json, StyleOf([.. grok, "--json"], terminal: true));
        Assert.Equal(ProgressStyle.Json, StyleOf([.. grok, "--json", "--quiet"], terminal: false));
    }
}
