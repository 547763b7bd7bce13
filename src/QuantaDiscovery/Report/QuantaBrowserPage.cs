using System.Globalization;
using System.Text;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Select;

namespace QuantaDiscovery.Report;

/// <summary>
/// Renders the browser's single HTML page: inline CSS, images as data URIs, a content-security policy that forbids every
/// external load, and a little inline script for filtering and collapsing. All text from the inputs passes through
/// <see cref="Escape"/>.
/// </summary>
internal sealed class QuantaBrowserPage(QuantaSamples samples, int k, IReadOnlyList<BrowsedCluster> clusters, RankFrequencyResult rankFrequency,
    int examples, byte[] rankFrequencyPng, byte[] heatmapPng, IReadOnlyList<(string Path, IReadOnlyList<(string Key, string Value)> Entries)> metadata,
    IReadOnlyList<string> inputs, bool sparseSimilarity, IReadOnlyList<SetShare> setShares)
{
    /// <summary>Clusters shown expanded when the page opens.</summary>
    private const int OpenClusters = 3;

    public string Render()
    {
        var html = new StringBuilder(1 << 16);
        html.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <script>
            // Records script errors, failed loads and policy violations on the root element, for automated checks.
            (function () {
              var root = document.documentElement;
              function record(message) { root.setAttribute('data-errors', (root.getAttribute('data-errors') || '') + message + '\n'); }
              window.addEventListener('error', function (e) { record(e.message || ('failed to load ' + (e.target && e.target.tagName))); }, true);
              document.addEventListener('securitypolicyviolation', function (e) { record('blocked ' + e.blockedURI); });
            })();
            </script>
            """);
        html.Append("<title>Quanta browser — K = ").Append(k).Append("</title>\n<style>").Append(Style).Append("</style>\n</head>\n<body>\n");
        Header(html);
        Figures(html);
        SetShares(html);
        html.Append("<section id=\"clusters\">\n<h2>Clusters (K = ").Append(k).Append(", ").Append(clusters.Count)
            .Append(" non-empty), largest first</h2>\n");
        html.Append("""
            <div class="controls"><input id="filter" type="search" placeholder="filter clusters by text in tokens or examples">
            <button type="button" id="expand">expand all</button><button type="button" id="collapse">collapse all</button>
            <span id="shown"></span></div>

            """);
        for (int rank = 0; rank < clusters.Count; rank++) Cluster(html, clusters[rank], rank);
        html.Append("</section>\n<script>").Append(Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private void Header(StringBuilder html)
    {
        html.Append("<header>\n<h1>Quanta browser</h1>\n<table class=\"keys\">\n");
        Row(html, "samples", samples.Count.ToString());
        Row(html, "clusters shown", $"K = {k} ({clusters.Count} non-empty)");
        Row(html, "K of the sweep", string.Join(", ", rankFrequency.Sweep.Select(s => s.K)));
        Row(html, "mean loss", QuantaBrowser.Number(samples.Loss.Average()) + " nats");
        if (samples.Set is { } sets)
            Row(html, "sets", string.Join(", ", sets.GroupBy(s => s).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ({g.Count()})")));
        foreach (var input in inputs) Row(html, "input", input);
        html.Append("</table>\n");
        foreach (var (path, entries) in metadata)
        {
            html.Append("<details class=\"metadata\" open><summary>").Append(Escape(Path.GetFileName(path))).Append("</summary>\n<table class=\"keys\">\n");
            foreach (var (key, value) in entries) Row(html, key, value);
            html.Append("</table>\n</details>\n");
        }
        html.Append("</header>\n");
    }

    private void Figures(StringBuilder html)
    {
        html.Append("<section id=\"figures\">\n<figure>\n");
        Image(html, rankFrequencyPng, "rank-frequency envelope of cluster sizes, log-log");
        html.Append("<figcaption>");
        if (rankFrequency.Fit is { } fit)
        {
            html.Append("Envelope of cluster sizes over the K sweep, fitted over ranks ").Append(rankFrequency.FirstRank).Append('–')
                .Append(rankFrequency.LastRank).Append(": slope <b>").Append(QuantaBrowser.Number(-fit.Alpha, "F3")).Append("</b>");
            if (rankFrequency.SlopeInterval is { } interval)
                html.Append(" (").Append(QuantaBrowser.Number(interval.Lower, "F3")).Append(" to ").Append(QuantaBrowser.Number(interval.Upper, "F3"))
                    .Append(", ").Append(QuantaBrowser.Number(interval.Level, "P0")).Append(' ').Append(Escape(SlopeBootstrap.Method)).Append(", ")
                    .Append(interval.Replicates).Append(" replicates)");
            else if (double.IsFinite(fit.AlphaStandardError))
                html.Append(" ± ").Append(QuantaBrowser.Number(fit.AlphaStandardError, "F3"));
            html.Append(" (R² = ").Append(QuantaBrowser.Number(fit.RSquared, "F3")).Append(").");
        }
        else
            html.Append("Envelope of cluster sizes over the K sweep; ranks ").Append(rankFrequency.FirstRank).Append('–')
                .Append(rankFrequency.LastRank).Append(" hold too few clusters for a fit.");
        if (rankFrequency.AlphaN is { } alphaN)
            html.Append(" The quantization model predicts −(α_N + 1) = <b>").Append(QuantaBrowser.Number(-(alphaN + 1), "F3"))
                .Append("</b> from α_N = ").Append(QuantaBrowser.Number(alphaN, "F4")).Append(" (").Append(Escape(rankFrequency.AlphaNSource ?? "given"))
                .Append(").");
        html.Append("</figcaption>\n</figure>\n<figure>\n");
        Image(html, heatmapPng, "similarity matrix ordered by cluster");
        html.Append("<figcaption>Affinity A = 1 − arccos(C)/π between samples' gradients (C: cosine similarity), ordered by cluster (largest first, most typical first within each)")
            .Append(samples.Count > 800 ? "; block-averaged for display" : "").Append('.');
        if (sparseSimilarity)
            html.Append(" The clustering used the sparse nearest-neighbour graph of A (each sample's largest affinities, symmetrised), not the full matrix:"
                + " this map and the cohesion and typicality of clusters count the affinities the graph leaves out as 0.");
        html.Append("</figcaption>\n</figure>\n</section>\n");
    }

    private void Cluster(StringBuilder html, BrowsedCluster cluster, int rank)
    {
        html.Append("<details class=\"cluster\"").Append(rank < OpenClusters ? " open" : "").Append(" id=\"cluster-").Append(cluster.Id).Append("\">\n<summary>");
        html.Append("<span class=\"rank\">#").Append(rank + 1).Append("</span> cluster ").Append(cluster.Id)
            .Append(" · <b>").Append(cluster.Size).Append("</b> samples (")
            .Append(QuantaBrowser.Number(100.0 * cluster.Size / samples.Count, "F1")).Append("%) · cohesion ")
            .Append(QuantaBrowser.Number(cluster.Cohesion, "F3")).Append(" · mean loss ").Append(QuantaBrowser.Number(cluster.MeanLoss, "F2"))
            .Append(" nats · ");
        foreach (var token in cluster.TopTokens.Take(3))
            html.Append("<code>").Append(Escape(Visible(token.Text))).Append("</code> ");
        html.Append("</summary>\n<p class=\"description\">").Append(Escape(cluster.Description)).Append("</p>\n<div class=\"tokens\">top targets: ");
        foreach (var token in cluster.TopTokens)
            html.Append("<span class=\"token\" title=\"token id ").Append(token.Token).Append("\"><code>").Append(Escape(Visible(token.Text)))
                .Append("</code> ").Append(token.Count).Append("</span> ");
        html.Append("</div>\n");
        int shown = Math.Min(examples, cluster.Size);
        html.Append("<p class=\"note\">").Append(shown == cluster.Size ? $"all {shown} samples" : $"{shown} of {cluster.Size} samples")
            .Append(", most typical first</p>\n");
        foreach (var sample in cluster.Members.Take(shown))
        {
            html.Append("<div class=\"example\"><div class=\"meta\">sample ").Append(sample).Append(" · doc ").Append(samples.Doc[sample])
                .Append(" · pos ").Append(samples.Pos[sample]).Append(" · loss ").Append(QuantaBrowser.Number(samples.Loss[sample], "F3"));
            if (samples.Set is { } sets) html.Append(" · ").Append(Escape(sets[sample]));
            html.Append("</div><pre>").Append(EscapeContext(samples.Context[sample])).Append("<mark>")
                .Append(Escape(Visible(samples.Target[sample]))).Append("</mark></pre></div>\n");
        }
        html.Append("</details>\n");
    }

    private static void Row(StringBuilder html, string key, string value) =>
        html.Append("<tr><th>").Append(Escape(key)).Append("</th><td>").Append(Escape(value)).Append("</td></tr>\n");

    private static void Image(StringBuilder html, byte[] png, string alt) =>
        html.Append("<img alt=\"").Append(Escape(alt)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\">\n");

    /// <summary>
    /// Escapes text for HTML element content and quoted attributes: &amp; &lt; &gt; " ' become entities, and control characters
    /// (other than newline and tab) become their visible Unicode control pictures (U+2400 block), since HTML forbids most of them.
    /// </summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&#39;"); break;
                case '\n' or '\t': escaped.Append(c); break;
                case < ' ': escaped.Append((char)(0x2400 + c)); break;
                case '\x7f': escaped.Append('\u2421'); break;
                default: escaped.Append(c); break;
            }
        }
        return escaped.ToString();
    }

    /// <summary>A context for a &lt;pre&gt;: escaped, each newline kept and marked with a faint ⏎.</summary>
    private static string EscapeContext(string context) => Escape(context).Replace("\n", "<span class=\"nl\">⏎</span>\n");

    /// <summary>A token with its whitespace made visible: space ␣, newline ⏎, tab ⇥; the empty string as ∅.</summary>
    public static string Visible(string token) =>
        token.Length == 0 ? "∅" : token.Replace(' ', '␣').Replace("\n", "⏎").Replace('\t', '⇥').Replace("\r", "↵");

    /// <summary>A JSON file's entries flattened to dotted keys; arrays and scalars shown as compact JSON.</summary>
    /// <summary>Where the samples come from: each corpus set's share of the scored tokens beside its share of the samples.</summary>
    private void SetShares(StringBuilder html)
    {
        if (setShares.Count == 0) return;
        html.Append("<section id=\"sets\">\n<h2>Samples by corpus set</h2>\n<table>\n<tr><th>set</th><th>scored tokens</th><th>share of scored</th>")
            .Append("<th>candidates</th><th>samples</th><th>share of samples</th></tr>\n");
        foreach (var s in setShares.OrderByDescending(s => s.Chosen).ThenBy(s => s.Set, StringComparer.Ordinal))
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Escape(s.Set)}</td><td>{s.Scored:N0}</td><td>{s.ScoredShare:P1}</td><td>{s.Candidates:N0}</td><td>{s.Chosen:N0}</td><td>{s.ChosenShare:P1}</td></tr>\n");
        html.Append("</table>\n</section>\n");
    }

    public static (string Path, IReadOnlyList<(string Key, string Value)> Entries) ReadMetadata(string path)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var entries = new List<(string, string)>();
            void Flatten(string prefix, JsonElement element)
            {
                if (element.ValueKind == JsonValueKind.Object && element.EnumerateObject().Any())
                    foreach (var property in element.EnumerateObject())
                        Flatten(prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}", property.Value);
                else
                    entries.Add((prefix.Length == 0 ? "(value)" : prefix,
                        element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText()));
            }
            Flatten("", json.RootElement);
            return (path, entries);
        }
        catch (JsonException e)
        {
            throw new InputException($"not JSON: {e.Message}", path, line: e.LineNumber + 1, inner: e);
        }
    }

    private const string Style = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1200px; padding: 0 1em; color: #1d1d1f; }
        h1 { margin: 0 0 .4em; } h2 { margin: 1.2em 0 .5em; }
        table.keys { border-collapse: collapse; margin: .3em 0 .8em; }
        table.keys th { text-align: left; padding: .1em 1em .1em 0; font-weight: 600; color: #555; vertical-align: top; }
        table.keys td { padding: .1em 0; word-break: break-all; }
        details.metadata summary { cursor: pointer; color: #555; }
        #figures { display: flex; flex-wrap: wrap; gap: 1em; }
        figure { margin: 0; flex: 1 1 480px; } figure img { width: 100%; height: auto; border: 1px solid #ddd; }
        figcaption { font-size: 13px; color: #444; margin-top: .3em; }
        .controls { position: sticky; top: 0; background: #fff; padding: .4em 0; z-index: 1; }
        .controls input { width: 28em; padding: .25em; } .controls button { margin-left: .4em; } #shown { margin-left: .8em; color: #666; }
        details.cluster { border: 1px solid #d6d6d6; border-radius: 6px; margin: .5em 0; padding: .3em .7em; }
        details.cluster > summary { cursor: pointer; padding: .2em 0; }
        .rank { color: #888; display: inline-block; min-width: 3em; }
        code { background: #f0f0f3; border-radius: 3px; padding: 0 .25em; font-size: 13px; }
        .tokens { margin: .3em 0; } .token { display: inline-block; margin: .1em .5em .1em 0; color: #555; }
        .note { color: #777; font-size: 12px; margin: .3em 0; }
        .example { border-top: 1px solid #eee; padding: .3em 0; }
        .meta { color: #888; font-size: 12px; }
        pre { white-space: pre-wrap; word-break: break-word; margin: .2em 0; font-size: 13px; max-height: 12em; overflow: auto; }
        mark { background: #ffd54a; border-radius: 2px; padding: 0 1px; font-weight: 600; }
        .nl { color: #bbb; }
        """;

    private const string Script = """

        (function () {
          var clusters = Array.prototype.slice.call(document.querySelectorAll('details.cluster'));
          var filter = document.getElementById('filter'), shown = document.getElementById('shown');
          function apply() {
            var query = filter.value.toLowerCase(), count = 0;
            clusters.forEach(function (c) {
              var match = query === '' || c.textContent.toLowerCase().indexOf(query) >= 0;
              c.style.display = match ? '' : 'none';
              if (match) count++;
            });
            shown.textContent = count + ' of ' + clusters.length + ' clusters';
          }
          filter.addEventListener('input', apply);
          document.getElementById('expand').addEventListener('click', function () { clusters.forEach(function (c) { c.open = true; }); });
          document.getElementById('collapse').addEventListener('click', function () { clusters.forEach(function (c) { c.open = false; }); });
          apply();
          document.documentElement.setAttribute('data-ready', String(clusters.length));
        })();

        """;
}
