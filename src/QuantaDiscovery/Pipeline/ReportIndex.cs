using System.Globalization;
using System.Net;
using System.Text;
using QuantaDiscovery.Report;

namespace QuantaDiscovery.Pipeline;

/// <summary>
/// <c>index.html</c> linking the plots and tables found in stage output folders: one section per folder, PNG plots
/// inline (<c>&lt;img src&gt;</c>, relative links, with the SVG beside each linked), then the CSV, JSON and HTML files.
/// </summary>
public static class ReportIndex
{
    public const string FileName = "index.html";

    private static readonly string[] Listed = [".csv", ".json", ".html", ".svg"];

    /// <param name="sections">a heading and the folder whose files it lists</param>
    /// <param name="stages">the run's stages and what became of each (manifest.json), shown as a table of wall times</param>
    public static string Write(string outputFolder, string title, IEnumerable<(string Heading, string Folder)> sections,
        IReadOnlyDictionary<string, ManifestEntry>? stages = null)
    {
        Directory.CreateDirectory(outputFolder);
        var index = Path.Combine(outputFolder, FileName);
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{{Encode(title)}}</title>
            <style>body{font-family:sans-serif;max-width:70em;margin:auto} figure{display:inline-block;width:48%;margin:0.5%} figure img{max-width:100%;border:1px solid #ddd} table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:0.2em 0.5em;text-align:left}</style>
            </head>
            <body>
            <h1>{{Encode(title)}}</h1>

            """);
        var sectionList = sections.ToList();
        AppendComparison(html, sectionList.SelectMany(s => PaperComparison.Read(s.Folder)).ToList());
        AppendStageTimes(html, stages);
        foreach (var (heading, folder) in sectionList)
        {
            html.Append($"<section>\n<h2>{Encode(heading)}</h2>\n<p><code>{Encode(Path.GetRelativePath(outputFolder, folder))}</code></p>\n");
            foreach (var note in Notes.Read(folder)) html.Append($"<p>{Encode(note)}</p>\n");
            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetFullPath(f) != Path.GetFullPath(index))
                .Order(StringComparer.Ordinal).ToList();
            foreach (var png in files.Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase)))
            {
                var svg = Path.ChangeExtension(png, ".svg");
                var caption = Encode(Path.GetRelativePath(folder, png));
                html.Append($"<figure><a href=\"{Link(outputFolder, png)}\"><img src=\"{Link(outputFolder, png)}\" alt=\"{caption}\"></a>" +
                            $"<figcaption>{caption}{(files.Contains(svg) ? $" (<a href=\"{Link(outputFolder, svg)}\">SVG</a>)" : "")}</figcaption></figure>\n");
            }
            var others = files.Where(f => Listed.Contains(Path.GetExtension(f).ToLowerInvariant())
                                          && !(f.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) && files.Contains(Path.ChangeExtension(f, ".png")))).ToList();
            if (others.Count > 0)
            {
                html.Append("<ul>\n");
                foreach (var file in others)
                    html.Append($"<li><a href=\"{Link(outputFolder, file)}\">{Encode(Path.GetRelativePath(folder, file))}</a></li>\n");
                html.Append("</ul>\n");
            }
            html.Append("</section>\n");
        }
        html.Append("</body>\n</html>\n");
        File.WriteAllText(index, html.ToString());
        return index;
    }

    /// <summary>The wall time of every stage of the run, from its manifest.</summary>
    private static void AppendStageTimes(StringBuilder html, IReadOnlyDictionary<string, ManifestEntry>? stages)
    {
        if (stages is not { Count: > 0 }) return;
        var ordered = stages.OrderBy(s => s.Value.FinishedUtc).ToList();
        html.Append("<section>\n<h2>How long each stage took</h2>\n<table>\n<tr><th>stage</th><th>kind</th><th>status</th><th>wall time (s)</th></tr>\n");
        foreach (var (name, entry) in ordered)
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Encode(name)}</td><td>{Encode(entry.Kind)}</td><td>{Encode(entry.Status.ToString().ToLowerInvariant())}</td><td>{entry.Seconds:F1}</td></tr>\n");
        html.Append(CultureInfo.InvariantCulture,
            $"<tr><th>total</th><th></th><th></th><th>{ordered.Sum(s => s.Value.Seconds):F1}</th></tr>\n</table>\n<p>Cached stages took their time in an earlier run; the report stage itself is not counted.</p>\n</section>\n");
    }

    /// <summary>The summary table at the top: every measured number beside the paper's, from the stages' comparison.json.</summary>
    private static void AppendComparison(StringBuilder html, IReadOnlyList<ComparisonRow> rows)
    {
        if (rows.Count == 0) return;
        html.Append("<section>\n<h2>Measured here and in the paper</h2>\n<table>\n" +
                    "<tr><th>quantity</th><th>measured</th><th>95% interval</th><th>paper (Michaud et al. 2023)</th><th>against the paper</th><th>notes</th></tr>\n");
        foreach (var row in rows)
        {
            var interval = row.Lower is { } low && row.Upper is { } high ? $"[{Format(low)}, {Format(high)}] ({row.Interval})" : row.Interval;
            html.Append($"<tr><td>{Encode(row.Quantity)}</td><td>{Format(row.Measured)}</td><td>{Encode(interval)}</td>" +
                        $"<td>{Encode(row.Paper)}</td><td>{Encode(row.Verdict)}</td><td>{Encode(row.Note)}</td></tr>\n");
        }
        html.Append("</table>\n</section>\n");
    }

    private static string Format(double value) => value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);

    private static string Link(string from, string file) =>
        string.Join('/', Path.GetRelativePath(from, file).Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
