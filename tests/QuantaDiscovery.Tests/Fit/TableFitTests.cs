using Parquet;
using Parquet.Schema;
using QuantaDiscovery.Common;
using QuantaDiscovery.Fit;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Fit;

public class TableFitTests
{
    private static readonly double[] Sizes = [1e6, 3e6, 1e7, 3e7, 1e8, 3e8, 1e9];

    private static string WriteCsv(string text)
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "table.csv");
        File.WriteAllText(path, text);
        return path;
    }

    private static string PowerCsv(Func<double, double> y) =>
        WriteCsv("N,L\n" + string.Concat(Sizes.Select(n => FormattableString.Invariant($"{n},{y(n)}\n"))));

    [Fact]
    public async Task CsvPowerFitRecoversTheExponent()
    {
        var report = await TableFit.RunAsync(PowerCsv(n => 5 * Math.Pow(n, -0.08)), new FitOptions(FitForm.Power, "N", "L"));
        Assert.Equal(0.08, report.Alpha, 1e-10);
        Assert.Equal(Sizes.Length, report.Points);
    }

    [Fact]
    public async Task RangeKeepsOnlyTheRowsInside()
    {
        var report = await TableFit.RunAsync(PowerCsv(n => 5 * Math.Pow(n, -0.08)),
            new FitOptions(FitForm.Power, "N", "L", FitRange.Parse("2e6:2e8")));
        Assert.Equal(4, report.Points);
        Assert.Equal("2000000:200000000", report.Range);
    }

    [Fact]
    public async Task ParquetTableWithRowGroupsAndNullableColumnsFitsLikeCsv()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "table.parquet");
        var n = new DataField<long>("N");
        var loss = new DataField<float?>("L");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(n, loss), stream))
        {
            foreach (var part in new[] { Sizes[..3], Sizes[3..] })
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAsync<long>(n, part.Select(v => (long)v).ToArray().AsMemory());
                await group.WriteAsync<float>(loss, part.Select(v => (float?)(5 * Math.Pow(v, -0.08))).ToArray().AsMemory());
            }
        }
        var report = await TableFit.RunAsync(path, new FitOptions(FitForm.Power, "N", "L"));
        Assert.Equal(0.08, report.Alpha, 1e-6);
        Assert.Equal(Sizes.Length, report.Points);
    }

    [Fact]
    public async Task BootstrapIsSeededAndBracketsTheEstimate()
    {
        var random = new Random(3);
        var path = PowerCsv(n => 5 * Math.Pow(n, -0.08) * Math.Exp(0.02 * (random.NextDouble() - 0.5)));
        var options = new FitOptions(FitForm.Power, "N", "L", BootstrapReplicates: 300, Seed: 7);
        var first = await TableFit.RunAsync(path, options);
        var second = await TableFit.RunAsync(path, options);
        var other = await TableFit.RunAsync(path, options with { Seed = 8 });
        Assert.Equal(first.Bootstrap!.Alpha, second.Bootstrap!.Alpha);
        Assert.NotEqual(first.Bootstrap.Alpha, other.Bootstrap!.Alpha);
        Assert.InRange(first.Alpha, first.Bootstrap.Alpha![0], first.Bootstrap.Alpha[1]);
    }

    [Fact]
    public async Task NonPositiveYNamesTheLine()
    {
        var path = WriteCsv("N,L\n1e6,2.0\n1e7,0\n1e8,1.5\n");
        var e = await Assert.ThrowsAsync<InputException>(() => TableFit.RunAsync(path, new FitOptions(FitForm.Power, "N", "L")));
        Assert.Equal(3, e.Line);
        Assert.Contains("positive y", e.Message);
    }

    [Fact]
    public async Task NaNNamesTheLine()
    {
        var path = WriteCsv("N,L\n1e6,2.0\n1e7,NaN\n1e8,1.5\n");
        var e = await Assert.ThrowsAsync<InputException>(() => TableFit.RunAsync(path, new FitOptions(FitForm.Power, "N", "L")));
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public async Task MissingColumnListsTheAvailableOnes()
    {
        var path = PowerCsv(n => n);
        var e = await Assert.ThrowsAsync<InputException>(() => TableFit.RunAsync(path, new FitOptions(FitForm.Power, "params", "L")));
        Assert.Contains("no column 'params'", e.Message);
        Assert.Contains("N, L", e.Message);
    }

    [Fact]
    public async Task FewerPointsThanParametersIsAnError()
    {
        var path = WriteCsv("N,L\n1e6,2.0\n1e7,1.8\n");
        var e = await Assert.ThrowsAsync<InputException>(() => TableFit.RunAsync(path, new FitOptions(FitForm.PowerOffset, "N", "L")));
        Assert.Contains("3 parameters", e.Message);
    }

    [Fact]
    public async Task UnreadableFilesAreInputErrors()
    {
        var folder = TestPaths.NewTempFolder();
        await Assert.ThrowsAsync<InputException>(() => TableFit.RunAsync(Path.Combine(folder, "absent.csv"), new FitOptions(FitForm.Power, "N", "L")));
        var garbage = Path.Combine(folder, "garbage.parquet");
        File.WriteAllText(garbage, "this is not parquet");
        var e = await Assert.ThrowsAsync<InputException>(() => TableFit.RunAsync(garbage, new FitOptions(FitForm.Power, "N", "L")));
        Assert.Contains("garbage.parquet", e.Message);
        var ragged = WriteCsv("N,L\n1,2\n3\n");
        Assert.Equal(3, (await Assert.ThrowsAsync<InputException>(() => TableFit.RunAsync(ragged, new FitOptions(FitForm.Power, "N", "L")))).Line);
    }

    [Fact]
    public async Task CsvReaderTakesQuotesAndBlankLinesAndKeepsLineNumbers()
    {
        var path = WriteCsv("\"model, name\",N,L\n\"a \"\"x\"\"\",1e6,2\n\n\"b\",1e7,-1\n");
        var table = await ColumnTable.ReadAsync(path);
        Assert.Equal(["model, name", "N", "L"], table.Columns);
        Assert.Equal(["a \"x\"", "b"], table.Strings("model, name"));
        var e = await Assert.ThrowsAsync<InputException>(() => TableFit.RunAsync(path, new FitOptions(FitForm.Power, "N", "L")));
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public async Task ZipfReportsRankSlopeAndDiscreteMle()
    {
        var sizes = Enumerable.Range(1, 400).Select(r => Math.Max(1, Math.Round(5000 * Math.Pow(r, -1.2)))).ToArray();
        var path = WriteCsv("size\n" + string.Concat(sizes.Reverse().Select(s => FormattableString.Invariant($"{s}\n"))));
        var report = await TableFit.RunAsync(path, new FitOptions(FitForm.Zipf, null, "size", FitRange.Parse("2:30")));
        Assert.Equal(1.2, report.Alpha, 0.01);
        Assert.Equal(29, report.Points);
        Assert.NotNull(report.DiscreteMle);
        Assert.True(report.DiscreteMle!.Alpha > 1);
    }
}
