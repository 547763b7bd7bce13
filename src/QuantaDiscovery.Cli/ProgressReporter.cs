using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using QuantaDiscovery.Fit;

namespace QuantaDiscovery.Cli;

/// <summary>How a command shows its progress: a redrawn bar (a terminal), periodic lines (a log), nothing
/// (<c>--quiet</c>), or nothing but one JSON summary on standard output (<c>--json</c>).</summary>
internal enum ProgressStyle { Bar, Lines, Quiet, Json }

/// <summary>One snapshot of a long-running task.</summary>
/// <param name="Task">what runs (a new name starts a new bar and a new clock)</param>
/// <param name="Fraction">share done in [0, 1], when known: the bar and the ETA</param>
/// <param name="Detail">free text after the bar (loss, accuracy, stage)</param>
/// <param name="Count">units done so far, when countable: the rate (Count / elapsed) in <paramref name="Unit"/>/s</param>
internal readonly record struct ProgressUpdate(string Task, double? Fraction, string? Detail = null, double? Count = null, string? Unit = null);

/// <summary>
/// The progress and output conventions of every long-running <c>quanta</c> command. Progress goes to the progress
/// writer (standard error): on a terminal one line redrawn in place with a bar, percentage, rate and ETA; otherwise
/// (CI logs) the same text as plain lines at most every <see cref="LineInterval"/>; nothing with <c>--quiet</c> or
/// <c>--json</c>. Notes (informational lines) follow the same rule. The result goes to the output writer: the command's
/// own lines, or with <c>--json</c> one JSON object (snake_case) instead.
/// </summary>
internal sealed class ProgressReporter
{
    public const string QuietOption = "--quiet", JsonOption = "--json";
    private const int BarWidth = 24;
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromSeconds(0.2);
    private readonly TextWriter _progress, _output;
    private readonly Func<TimeSpan> _clock;
    private string? _task;
    private TimeSpan _taskStart;
    private TimeSpan? _lastWrite;
    private ProgressUpdate? _latest;
    private bool _latestShown;
    private int _drawnWidth;
    private readonly Lock _gate = new();

    public ProgressReporter(TextWriter progress, TextWriter output, ProgressStyle style, Func<TimeSpan>? clock = null)
    {
        _progress = progress;
        _output = output;
        Style = style;
        if (clock is null)
        {
            var watch = Stopwatch.StartNew();
            clock = () => watch.Elapsed;
        }
        _clock = clock;
    }

    public ProgressStyle Style { get; }

    public static TimeSpan LineInterval { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Adds <c>--quiet</c> and <c>--json</c> to a long-running command.</summary>
    public static void AddOptions(Command command)
    {
        command.Options.Add(new Option<bool>(QuietOption) { Description = "no progress and no notes on standard error; results only" });
        command.Options.Add(new Option<bool>(JsonOption) { Description = "print one JSON summary on standard output instead of the usual lines (no progress)" });
    }

    /// <summary>The reporter a command asked for on its command line, writing to the given writers.</summary>
    /// <param name="progressIsTerminal">whether <paramref name="progress"/> is an interactive terminal (bar) or not (lines)</param>
    public static ProgressReporter For(ParseResult parse, TextWriter progress, TextWriter output, bool progressIsTerminal) =>
        new(progress, output, parse.GetValue<bool>(JsonOption) ? ProgressStyle.Json
            : parse.GetValue<bool>(QuietOption) ? ProgressStyle.Quiet
            : progressIsTerminal ? ProgressStyle.Bar : ProgressStyle.Lines);

    /// <summary>An <see cref="IProgress{T}"/> that reports synchronously (on the caller's thread), described by <paramref name="describe"/>.</summary>
    public IProgress<T> For<T>(Func<T, ProgressUpdate> describe) => new Adapter<T>(value => Report(describe(value)));

    public void Report(ProgressUpdate update)
    {
        if (Style is ProgressStyle.Quiet or ProgressStyle.Json) return;
        lock (_gate) ReportLocked(update);
    }

    private void ReportLocked(ProgressUpdate update)
    {
        var now = _clock();
        if (update.Task != _task)
        {
            FinishLocked();
            _task = update.Task;
            _taskStart = now;
            _lastWrite = null;
        }
        _latest = update;
        _latestShown = false;
        if (_lastWrite is { } last && now - last < (Style == ProgressStyle.Bar ? RedrawInterval : LineInterval)) return;
        Write(update, now);
    }

    /// <summary>Shows the latest state of the current task (a bar is redrawn with its final time; a line is written
    /// only if that state was not) and ends its line.</summary>
    public void Finish()
    {
        lock (_gate) FinishLocked();
    }

    private void FinishLocked()
    {
        if (_latest is { } latest && (Style == ProgressStyle.Bar || !_latestShown)) Write(latest, _clock());
        if (Style == ProgressStyle.Bar && _drawnWidth > 0) _progress.WriteLine();
        _drawnWidth = 0;
        _latest = null;
        _task = null;
    }

    /// <summary>An informational line on the progress writer (not with --quiet or --json).</summary>
    public void Note(string message)
    {
        if (Style is ProgressStyle.Quiet or ProgressStyle.Json) return;
        lock (_gate)
        {
            FinishLocked();
            _progress.WriteLine(message);
        }
    }

    /// <summary>The command's result: <paramref name="summary"/> as one JSON object with --json, else <paramref name="print"/>.</summary>
    public void Result(object summary, Action print)
    {
        Finish();
        if (Style == ProgressStyle.Json)
            _output.WriteLine(JsonSerializer.Serialize(summary, Compact));
        else
            print();
    }

    private static readonly JsonSerializerOptions Compact = new(TableFit.JsonOptions)
    {
        WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private void Write(ProgressUpdate update, TimeSpan now)
    {
        _lastWrite = now;
        _latestShown = true;
        var text = Describe(update, now - _taskStart);
        if (Style == ProgressStyle.Bar)
        {
            _progress.Write("\r" + text.PadRight(_drawnWidth));
            _drawnWidth = text.Length;
        }
        else
            _progress.WriteLine(text);
        _progress.Flush();
    }

    /// <summary>"task [██████░░░░]  42% detail · 1,234 tokens/s · ETA 0:01:10" (the bar only in <see cref="ProgressStyle.Bar"/>).</summary>
    internal string Describe(ProgressUpdate update, TimeSpan elapsed)
    {
        var parts = new List<string>();
        var head = update.Task;
        if (update.Fraction is double fraction)
        {
            fraction = Math.Clamp(fraction, 0, 1);
            int filled = (int)Math.Round(fraction * BarWidth);
            var bar = Style == ProgressStyle.Bar ? $" [{new string('█', filled)}{new string('░', BarWidth - filled)}]" : "";
            head += $"{bar} {fraction * 100,3:F0}%";
        }
        parts.Add(head);
        if (!string.IsNullOrEmpty(update.Detail)) parts[0] += " " + update.Detail;
        if (update.Count is double count && update.Unit is { } unit && elapsed.TotalSeconds > 0)
            parts.Add($"{(count / elapsed.TotalSeconds).ToString(count / elapsed.TotalSeconds >= 100 ? "N0" : "N1", CultureInfo.InvariantCulture)} {unit}/s");
        if (update.Fraction is double done && done > 0 && done < 1 && elapsed.TotalSeconds > 0)
            parts.Add($"ETA {TimeSpan.FromSeconds(Math.Round(elapsed.TotalSeconds * (1 - done) / done)):c}");
        parts.Add($"{TimeSpan.FromSeconds(Math.Round(elapsed.TotalSeconds)):c} elapsed");
        return string.Join(" · ", parts);
    }

    private sealed class Adapter<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
