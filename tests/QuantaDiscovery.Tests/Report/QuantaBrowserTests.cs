using QuantaDiscovery.Tests.Common;
using System.Text.RegularExpressions;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Cluster;
using QuantaDiscovery.Common;
using QuantaDiscovery.Report;

namespace QuantaDiscovery.Tests.Report;

public class QuantaBrowserTests
{
    [Fact]
    public async Task EveryClusterAppearsLargestFirstWithItsTopTokenAndExamples()
    {
        var data = await QuantaBrowserTestData.CreateAsync();

        var report = await QuantaBrowser.WriteAsync(data.Samples, data.Similarity, data.Clusters, data.Html, new QuantaBrowserOptions(K: 4));

        Assert.Equal(QuantaBrowserTestData.Groups, report.Clusters.Select(c => c.Size));
        Assert.Equal([0, 1, 2, 3], report.Clusters.Select(c => c.Id));
        var html = File.ReadAllText(data.Html);
        var headers = Regex.Matches(html, "<details class=\"cluster\"[^>]* id=\"cluster-(\\d+)\">\\s*<summary>.*?<b>(\\d+)</b> samples")
            .Select(m => (Id: int.Parse(m.Groups[1].Value), Size: int.Parse(m.Groups[2].Value))).ToArray();
        Assert.Equal([(0, 20), (1, 14), (2, 9), (3, 5)], headers);
        // Each cluster predicts a single token: its count is the cluster size; whitespace is shown visibly and markup escaped.
        Assert.Contains("<code>␣the</code> 20</span>", html);
        Assert.Contains("<code>⏎</code> 14</span>", html);
        Assert.Contains("<code>&amp;</code> 9</span>", html);
        Assert.Contains("<code>&quot;</code> 5</span>", html);
        // 10 examples for clusters of 10 or more, all members for smaller ones.
        Assert.Equal(10 + 10 + 9 + 5, Regex.Matches(html, "<div class=\"example\">").Count);
        Assert.Contains("10 of 20 samples", html);
        Assert.Contains("all 5 samples", html);
        Assert.True(File.Exists(Path.Combine(data.Folder, "report", RankFrequency.CsvFile)));
        Assert.True(File.Exists(report.HeatmapPng));
    }

    [Fact]
    public async Task ContextsAreEscapedAndThePageLoadsNothingFromOutside()
    {
        var data = await QuantaBrowserTestData.CreateAsync();

        await QuantaBrowser.WriteAsync(data.Samples, data.Similarity, data.Clusters, data.Html, new QuantaBrowserOptions(K: 4, Examples: 50));

        var html = File.ReadAllText(data.Html);
        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.DoesNotContain("alert(1)</", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39;<span class=\"nl\">⏎</span>\nsecond line\u2401<mark>␣the</mark>", html);
        Assert.Equal(2, Regex.Matches(html, "<script>").Count); // the page's own two scripts
        Assert.DoesNotMatch("(src|href)=\"(?!data:)", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Equal(2, Regex.Matches(html, "<img alt=\"[^\"]*\" src=\"data:image/png;base64,[A-Za-z0-9+/=]+\">").Count);
    }

    [Fact]
    public async Task DefaultKIsTheLargestAndMetadataBesideTheInputsIsShown()
    {
        var data = await QuantaBrowserTestData.CreateAsync();
        File.WriteAllText(Path.Combine(data.Folder, "selection.json"), """{ "model": "pythia-<70m>", "selection": { "samples": 48, "seed": 1 } }""");

        var report = await QuantaBrowser.WriteAsync(data.Samples, data.Similarity, data.Clusters, data.Html, QuantaBrowserOptions.Default);

        Assert.Equal(6, report.K);
        Assert.Equal(6, report.Clusters.Count);
        var html = File.ReadAllText(data.Html);
        Assert.Contains("<tr><th>model</th><td>pythia-&lt;70m&gt;</td></tr>", html);
        Assert.Contains("<tr><th>selection.seed</th><td>1</td></tr>", html);
    }

    [Fact]
    public async Task SimilarityOfTheWrongSizeNamesTheSimilarityFile()
    {
        var data = await QuantaBrowserTestData.CreateAsync();
        Npy.Write<float>(data.Similarity, new float[47 * 47], 47, 47);

        var e = await Assert.ThrowsAsync<InputException>(() => QuantaBrowser.WriteAsync(data.Samples, data.Similarity, data.Clusters, data.Html, QuantaBrowserOptions.Default));

        Assert.Equal(data.Similarity, e.FilePath);
        Assert.Contains("(47, 47)", e.Message);
        Assert.Contains("48 samples", e.Message);
    }

    [Fact]
    public async Task ClustersNamingAnUnknownSampleNameTheClustersFile()
    {
        var data = await QuantaBrowserTestData.CreateAsync();
        var labels = new int[data.Count];
        labels[^1] = 1;
        // One sample id past the end: 48 in the last row.
        var sample = Enumerable.Range(0, data.Count).Select(i => i == data.Count - 1 ? data.Count : i).ToArray();
        await QuantaBrowserTestData.WriteClustersAsync(data.Clusters, [(2, labels)], sample);

        var e = await Assert.ThrowsAsync<InputException>(() => QuantaBrowser.WriteAsync(data.Samples, data.Similarity, data.Clusters, data.Html, QuantaBrowserOptions.Default));

        Assert.Equal(data.Clusters, e.FilePath);
        Assert.Contains("unknown sample 48", e.Message);
    }

    [Fact]
    public async Task SamplesWithARepeatedIdOrAMissingColumnNameTheSamplesFile()
    {
        var data = await QuantaBrowserTestData.CreateAsync();
        int[] ids = [0, 1, 1];
        await QuantaBrowserTestData.WriteSamplesAsync(data.Samples, ids, [0, 0, 0], [1, 2, 3], [5, 6, 7], [1, 1, 1], ["a", "b", "c"], ["x", "y", "z"]);

        var repeated = await Assert.ThrowsAsync<InputException>(() => QuantaBrowser.WriteAsync(data.Samples, data.Similarity, data.Clusters, data.Html, QuantaBrowserOptions.Default));
        File.WriteAllText(data.Samples, "not parquet");
        var garbage = await Assert.ThrowsAsync<InputException>(() => QuantaBrowser.WriteAsync(data.Samples, data.Similarity, data.Clusters, data.Html, QuantaBrowserOptions.Default));

        Assert.Equal(data.Samples, repeated.FilePath);
        Assert.Contains("sample id 1 appears twice", repeated.Message);
        Assert.Equal(data.Samples, garbage.FilePath);
    }

    [Fact]
    public async Task BrowseCommandWritesTheReportWithTheAlphaNGiven()
    {
        var data = await QuantaBrowserTestData.CreateAsync();

        int code = await CliRun.Quiet(["browse", "--samples", data.Samples, "--similarity", data.Similarity, "--clusters", data.Clusters,
            "--output", data.Html, "--k", "4", "--alpha-n", "0.08", "--examples", "3"]);
        int missingK = await CliRun.Quiet(["browse", "--samples", data.Samples, "--similarity", data.Similarity, "--clusters", data.Clusters,
            "--output", data.Html, "--k", "7"]);

        Assert.Equal(0, code);
        Assert.Equal(2, missingK);
        var json = File.ReadAllText(Path.Combine(data.Folder, "report", RankFrequency.JsonFile));
        Assert.Contains("\"predicted_slope\": -1.08", json);
    }
    [Fact]
    public async Task SparseGraphGivesCohesionFromItsEntriesAndANoteOnThePage()
    {
        var data = await QuantaBrowserTestData.CreateAsync();
        var dense = Npy.Read<float>(data.Similarity).Data;
        int n = data.Count;
        // The graph keeps the within-group affinities only (the 0.3 across groups are left out).
        var rowStarts = new List<int> { 0 };
        var columns = new List<int>();
        var values = new List<float>();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
                if (j != i && data.GroupOf[i] == data.GroupOf[j]) { columns.Add(j); values.Add(dense[i * n + j]); }
            rowStarts.Add(columns.Count);
        }
        var graphPath = Path.Combine(data.Folder, "similarity.npz");
        SparseAffinity.Create(n, rowStarts.ToArray(), columns.ToArray(), values.ToArray()).Save(graphPath);

        var sparse = await QuantaBrowser.WriteAsync(data.Samples, graphPath, data.Clusters, data.Html, QuantaBrowserOptions.Default with { K = 4 });
        var fromDense = await QuantaBrowser.WriteAsync(data.Samples, data.Similarity, data.Clusters, Path.Combine(data.Folder, "dense.html"),
            QuantaBrowserOptions.Default with { K = 4 });

        // K = 4 is the planted grouping: every member's neighbours in its cluster are in the graph, so cohesion is unchanged.
        Assert.Equal(fromDense.Clusters.Select(c => c.Cohesion), sparse.Clusters.Select(c => c.Cohesion));
        Assert.Equal(fromDense.Clusters.Select(c => c.Members), sparse.Clusters.Select(c => c.Members));
        Assert.Contains("sparse nearest-neighbour graph", File.ReadAllText(data.Html));
        Assert.DoesNotContain("sparse nearest-neighbour graph", File.ReadAllText(Path.Combine(data.Folder, "dense.html")));
    }
}
