using System.Text.Json;
using QuantaDiscovery.Fit;

namespace QuantaDiscovery.Report;

/// <summary>
/// One measured quantity set beside the published one: the value, its 95% interval (how it was obtained is said in
/// <see cref="Interval"/>), and the paper's value or statement with where it comes from.
/// </summary>
/// <param name="Verdict">one plain sentence: whether the measurement agrees with the paper, differs from it (and how), or
/// cannot be set against it</param>
public sealed record ComparisonRow(string Quantity, double Measured, double? Lower, double? Upper, string Interval,
    string Paper, string Note = "", string Verdict = "");

/// <summary>
/// The rows a stage contributes to the report's summary table, written as <c>comparison.json</c> in the stage's
/// folder; the report index gathers every such file into one table at the top.
/// </summary>
public static class PaperComparison
{
    public const string FileName = "comparison.json";

    /// <summary>Michaud et al. (2023) §5: α_N fitted on Pythia's mean test loss over six sizes.</summary>
    public const double PaperAlphaN = 0.083;

    /// <summary>Michaud et al. (2023) §6: slope of the envelope of the QDG clusters' rank-frequency curves.</summary>
    public const double PaperRankFrequencySlope = -1.24;

    private static readonly JsonSerializerOptions Json = new(TableFit.JsonOptions)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // α, ≥, § as themselves
    };

    public static void Write(string folder, IReadOnlyList<ComparisonRow> rows) =>
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(rows, Json));

    /// <summary>The rows of a <c>comparison.json</c>, or none when the file is absent.</summary>
    public static IReadOnlyList<ComparisonRow> Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<ComparisonRow[]>(File.ReadAllText(path), Json) ?? [] : [];
    }

    /// <summary>Whether the paper's number lies within the measured interval, and if not on which side.</summary>
    public static string AgainstPaperValue(double measured, double? lower, double? upper, double paper)
    {
        string Number(double v) => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);
        if (lower is not { } low || upper is not { } high)
            return $"no interval: measured {Number(measured)} against the paper's {Number(paper)}";
        if (paper >= low && paper <= high) return $"agrees: the paper's {Number(paper)} lies within the interval";
        return $"differs: the paper's {Number(paper)} lies {(paper > high ? "above" : "below")} the interval " +
               $"[{Number(low)}, {Number(high)}] ({Number(Math.Abs(paper - measured))} from the estimate)";
    }

    /// <summary>A measured share against the share noise alone produces (the paper gives no share to compare).</summary>
    public static string AgainstBaseline(double? lower, double? upper, double? baseline, string kind)
    {
        string Percent(double v) => v.ToString("P1", System.Globalization.CultureInfo.InvariantCulture);
        if (baseline is not { } b) return "the paper gives no share; no noise baseline could be measured";
        if (lower is { } low && low > b) return $"the paper gives no share; above what noise alone gives ({Percent(b)}), so some {kind} are real";
        if (upper is { } high && high < b) return $"the paper gives no share; below what noise alone gives ({Percent(b)}): no evidence of {kind}";
        return $"the paper gives no share; not distinguishable from what noise alone gives ({Percent(b)})";
    }

    /// <summary>
    /// A percentile bootstrap interval over tokens for the share of tokens where <paramref name="holds"/> is true, among
    /// the tokens where <paramref name="counted"/> is true (all when null).
    /// </summary>
    public static (double Share, double Lower, double Upper) ShareWithInterval(bool[] holds, bool[]? counted, int replicates,
        int seed, double level = 0.95)
    {
        int n = holds.Length;
        double Share(Func<int, int> draw)
        {
            long hit = 0, total = 0;
            for (int i = 0; i < n; i++)
            {
                int t = draw(i);
                if (counted is not null && !counted[t]) continue;
                total++;
                if (holds[t]) hit++;
            }
            return total == 0 ? double.NaN : hit / (double)total;
        }
        double share = Share(i => i);
        if (replicates < 1 || n == 0) return (share, double.NaN, double.NaN);
        var result = Bootstrap.Run(replicates, seed, level, random => [Share(_ => random.Next(n))]);
        var interval = result.Intervals[0];
        return (share, interval.Lower, interval.Upper);
    }
}
