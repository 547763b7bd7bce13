using QuantaDiscovery.Report;
using QuantaDiscovery.Select;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Tests.Report;

namespace QuantaDiscovery.Tests.Select;

public class SetShareTests
{
    [Fact]
    public void EachSetsScoredCandidateAndChosenTokensAreCountedWithTheirShares()
    {
        // rows 0-5 "Github", 6-9 "Enron Emails"; candidates 0, 1, 2, 6; chosen 0, 2, 6
        string?[] setOfRow = ["Github", "Github", "Github", "Github", "Github", "Github", "Enron Emails", "Enron Emails", "Enron Emails", "Enron Emails"];

        var shares = SetShare.Count(setOfRow, [0, 1, 2, 6], [0, 2, 6]);

        Assert.Equal(["Enron Emails", "Github"], shares.Select(s => s.Set));
        Assert.Equal((4L, 1L, 1, 0.4, 1 / 3.0), (shares[0].Scored, shares[0].Candidates, shares[0].Chosen, shares[0].ScoredShare, shares[0].ChosenShare));
        Assert.Equal((6L, 3L, 2, 0.6, 2 / 3.0), (shares[1].Scored, shares[1].Candidates, shares[1].Chosen, shares[1].ScoredShare, shares[1].ChosenShare));
    }

    [Fact]
    public void ACapThinsTheDominantSetEvenlyUntilNoSetExceedsIt()
    {
        // rows 0-79 "math", 80-99 "code": 80% math
        var setOfRow = Enumerable.Range(0, 100).Select(r => r < 80 ? "math" : "code").ToArray<string?>();

        var kept = TokenSelection.CapSetShare(Enumerable.Range(0, 100).ToList(), setOfRow, 0.6);

        Assert.Equal(30, kept.Count(r => r < 80)); // 0.6 × 20 / 0.4
        Assert.Equal(20, kept.Count(r => r >= 80));
        Assert.Equal(kept.Order(), kept);
        Assert.Equal([0, 2, 5], kept.Take(3)); // every 80/30-th math row
        Assert.Equal(Enumerable.Range(0, 100), TokenSelection.CapSetShare(Enumerable.Range(0, 100).ToList(), setOfRow, 0.8));
        Assert.Throws<QuantaDiscovery.Common.InputException>(() => new TokenSelectionOptions { MaxSetShare = 0 }.Validate());
    }

    [Fact]
    public void TheTableRoundTripsWithQuotesAndCommasInSetNames()
    {
        var folder = TestPaths.NewTempFolder();
        var shares = SetShare.Count(["a, \"b\"", "c"], [0], [0]);
        SetShare.Write(Path.Combine(folder, SetShare.FileName), shares);

        Assert.Equal(shares, SetShare.Read(folder));
        Assert.Empty(SetShare.Read(TestPaths.NewTempFolder()));
    }

    [Fact]
    public async Task TheBrowserShowsTheSetsAndReportsTheLargestSetsShareOfTheSamples()
    {
        var data = await QuantaBrowserTestData.CreateAsync();
        int n = QuantaBrowserTestData.Groups.Sum();
        var setOfRow = Enumerable.Range(0, 2 * n).Select(i => i < n ? "DM Mathematics" : "Github").ToArray<string?>();
        SetShare.Write(Path.Combine(data.Folder, SetShare.FileName), SetShare.Count(setOfRow, Enumerable.Range(0, n + 10), Enumerable.Range(0, n + 10)));

        await QuantaBrowser.WriteAsync(data.Samples, data.Similarity, data.Clusters, data.Html, new QuantaBrowserOptions(K: 4));

        var html = File.ReadAllText(data.Html);
        Assert.Contains("<h2>Samples by corpus set</h2>", html);
        Assert.Contains("<td>DM Mathematics</td>", html);
        var row = PaperComparison.Read(Path.GetDirectoryName(data.Html)!).Single(r => r.Quantity.StartsWith("largest share of the QDG samples", StringComparison.Ordinal));
        Assert.Contains("DM Mathematics", row.Quantity);
        Assert.Equal(n / (double)(n + 10), row.Measured, 12);
    }
}
