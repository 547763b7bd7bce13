using System.Text.Json;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Cli;

public class FitCommandTests
{
    [Fact]
    public async Task FitWritesTheJsonReport()
    {
        var folder = TestPaths.NewTempFolder();
        var input = Path.Combine(folder, "losses.csv");
        var output = Path.Combine(folder, "fit.json");
        double[] sizes = [1e5, 1e6, 1e7, 1e8, 1e9];
        File.WriteAllText(input, "name,N,L\n" + string.Concat(sizes.Select((n, i) =>
            FormattableString.Invariant($"m{i},{n},{3 * Math.Pow(n, -0.1) + 1.5}\n"))));

        int code = await CliRun.Quiet(["fit", "--input", input, "--x", "N", "--y", "L", "--form", "power-offset",
            "--bootstrap", "50", "--seed", "1", "--output", output]);

        Assert.Equal(0, code);
        var json = JsonDocument.Parse(File.ReadAllText(output)).RootElement;
        Assert.Equal("power-offset", json.GetProperty("form").GetString());
        Assert.Equal(0.1, json.GetProperty("alpha").GetDouble(), 1e-6);
        Assert.Equal(3.0, json.GetProperty("a").GetDouble(), 1e-5);
        Assert.Equal(1.5, json.GetProperty("c").GetDouble(), 1e-6);
        Assert.Equal(5, json.GetProperty("points").GetInt32());
        Assert.Equal(50, json.GetProperty("bootstrap").GetProperty("replicates").GetInt32());
        Assert.Equal(2, json.GetProperty("bootstrap").GetProperty("alpha").GetArrayLength());
    }

    [Fact]
    public async Task BadInputExitsWithCodeTwo()
    {
        var folder = TestPaths.NewTempFolder();
        var input = Path.Combine(folder, "t.csv");
        File.WriteAllText(input, "N,L\n1,2\n2,1\n");
        int code = await CliRun.Quiet(["fit", "--input", input, "--x", "params", "--y", "L", "--output", Path.Combine(folder, "f.json")]);
        Assert.Equal(2, code);
    }
}

public class FitCommandParquetTests
{
    [Fact]
    public async Task ParquetTableWithAStringColumnFits()
    {
        var folder = QuantaDiscovery.Tests.Common.TestPaths.NewTempFolder();
        var input = Path.Combine(folder, "t.parquet");
        await using (var writer = await QuantaDiscovery.Tables.TokenTableWriter.CreateAsync(input, QuantaDiscovery.Tables.TokenTableSchema.SingleModel(hasSet: true)))
        {
            for (int pos = 1; pos <= 6; pos++)
                writer.Append(0, pos, 7, (float)(2.0 * Math.Pow(pos, -0.5)), pos % 2 == 0 ? "even" : "odd");
            await writer.CompleteAsync();
        }
        var output = Path.Combine(folder, "fit.json");
        int code = await CliRun.Quiet(["fit", "--input", input, "--x", "pos", "--y", "loss", "--output", output]);
        Assert.Equal(0, code);
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(output)).RootElement;
        Assert.Equal(0.5, json.GetProperty("alpha").GetDouble(), 1e-5);
    }
}
