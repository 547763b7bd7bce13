using QuantaDiscovery.Common;
using QuantaDiscovery.Score;
using QuantaDiscovery.Tables;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Score;

/// <summary>
/// The merge streams tables whose row groups do not line up (sizes 3 and 5 here, against blocks of 8 and 5 rows) and
/// rebuilds exactly the tables written in one piece: concatenated blocks, and a loss matrix zipped from model shards.
/// </summary>
public class LossShardMergeTests
{
    private sealed record Row(long Doc, int Pos, int Token, float Small, float Large, string Set);

    private static readonly Row[] Rows = Enumerable.Range(0, 13)
        .Select(i => new Row(i / 4, i % 4 + 1, 100 + i, 0.5f * i, 10f + i, i % 2 == 0 ? "Prose" : "Code")).ToArray();

    private static async Task WriteShard(string folder, string model, int parameters, Func<Row, float> loss, IEnumerable<Row> rows, int rowGroupSize)
    {
        Directory.CreateDirectory(Path.Combine(folder, "losses"));
        File.WriteAllLines(Path.Combine(folder, "models.csv"), ["name,params", $"{model},{parameters}"]);
        await using var writer = await TokenTableWriter.CreateAsync(Path.Combine(folder, "losses", model + ".parquet"), TokenTableSchema.SingleModel(hasSet: true), rowGroupSize);
        foreach (var row in rows) writer.Append(row.Doc, row.Pos, row.Token, loss(row), row.Set);
        await writer.CompleteAsync();
    }

    [Fact]
    public async Task ModelShardsOfTwoBlocksMergeIntoTablesAndTheLossMatrix()
    {
        var shards = TestPaths.NewTempFolder();
        (IEnumerable<Row> Rows, int Block)[] blocks = [(Rows.Take(8), 0), (Rows.Skip(8), 1)];
        foreach (var (rows, block) in blocks)
        {
            await WriteShard(Path.Combine(shards, $"{block}-of-2.model-0-of-2"), "small", 10, r => r.Small, rows, rowGroupSize: 3);
            await WriteShard(Path.Combine(shards, $"{block}-of-2.model-1-of-2"), "large", 20, r => r.Large, rows, rowGroupSize: 5);
        }
        var output = Path.Combine(TestPaths.NewTempFolder(), "merged");
        await LossShardMerge.MergeAsync(LossShardMerge.ShardFolders([shards]), output);

        Assert.Equal(["name,params", "small,10", "large,20"], File.ReadAllLines(Path.Combine(output, "models.csv")));
        var matrix = await TokenTable.ReadAsync(Path.Combine(output, "loss_matrix.parquet"));
        Assert.Equal(["small", "large"], matrix.LossColumns);
        Assert.Equal(Rows.Select(r => r.Doc), matrix.Doc);
        Assert.Equal(Rows.Select(r => r.Pos), matrix.Pos);
        Assert.Equal(Rows.Select(r => r.Token), matrix.Token);
        Assert.Equal(Rows.Select(r => r.Set), matrix.Set!);
        Assert.Equal(Rows.Select(r => r.Small), matrix.Loss("small"));
        Assert.Equal(Rows.Select(r => r.Large), matrix.Loss("large"));
        Assert.Equal(Rows.Select(r => r.Large), (await TokenTable.ReadAsync(Path.Combine(output, "losses", "large.parquet"))).Loss("loss"));
        var npy = Npy.Read<float>(Path.Combine(output, "loss_matrix.npy"));
        Assert.Equal([13, 2], npy.Shape);
        Assert.Equal(Rows.SelectMany(r => new[] { r.Small, r.Large }), npy.Data);
    }

    [Fact]
    public async Task ModelShardsScoredOnDifferentTokensAreRejected()
    {
        var shards = TestPaths.NewTempFolder();
        await WriteShard(Path.Combine(shards, "0-of-1.model-0-of-2"), "small", 10, r => r.Small, Rows, rowGroupSize: 4);
        await WriteShard(Path.Combine(shards, "0-of-1.model-1-of-2"), "large", 20, r => r.Large, Rows.Select(r => r.Pos == 3 ? r with { Token = 7 } : r), rowGroupSize: 4);
        var error = await Assert.ThrowsAsync<InputException>(() => LossShardMerge.MergeAsync(LossShardMerge.ShardFolders([shards]), Path.Combine(shards, "out")));
        Assert.Contains("not scored on the same tokens", error.Message);
    }
}
