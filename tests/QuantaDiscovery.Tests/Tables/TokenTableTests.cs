using Parquet;
using Parquet.Schema;
using QuantaDiscovery.Common;
using QuantaDiscovery.Tables;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Tables;

public class TokenTableTests
{
    /// <summary>Rows of a few documents of varying length: doc, pos, token and two loss values per row.</summary>
    private static (long[] Doc, int[] Pos, int[] Token, float[] LossA, float[] LossB, string?[] Set) SampleRows(int documents)
    {
        var random = new Random(3);
        var doc = new List<long>(); var pos = new List<int>(); var token = new List<int>();
        var lossA = new List<float>(); var lossB = new List<float>(); var set = new List<string?>();
        string?[] sets = ["Github", "ArXiv", null, "Pile-CC"];
        for (int d = 0; d < documents; d++)
            for (int p = 0, length = 1 + random.Next(40); p < length; p++)
            {
                doc.Add(10L * d + (1L << 33));
                pos.Add(p);
                token.Add(random.Next(50_304));
                lossA.Add(random.NextSingle() * 10);
                lossB.Add(-random.NextSingle());
                set.Add(sets[d % sets.Length]);
            }
        return ([.. doc], [.. pos], [.. token], [.. lossA], [.. lossB], [.. set]);
    }

    [Fact]
    public async Task SingleModelTableRoundTripsWithoutSet()
    {
        var rows = SampleRows(30);
        var path = Path.Combine(TestPaths.NewTempFolder(), "losses.parquet");
        await using (var writer = await TokenTableWriter.CreateAsync(path, TokenTableSchema.SingleModel()))
        {
            for (int i = 0; i < rows.Doc.Length; i++)
                writer.Append(rows.Doc[i], rows.Pos[i], rows.Token[i], rows.LossA[i]);
            await writer.CompleteAsync();
        }

        await using var reader = await TokenTableReader.OpenAsync(path);
        Assert.Equal(["loss"], reader.LossColumns);
        Assert.False(reader.HasSet);
        Assert.Equal(rows.Doc.Length, reader.RowCount);
        var table = (await reader.ReadAllAsync());
        Assert.Equal(rows.Doc, table.Doc);
        Assert.Equal(rows.Pos, table.Pos);
        Assert.Equal(rows.Token, table.Token);
        Assert.Equal(rows.LossA, table.Loss("loss"));
        Assert.Null(table.Set);
    }

    [Fact]
    public async Task LossMatrixWithSetRoundTripsAcrossManyRowGroups()
    {
        var rows = SampleRows(60);
        var path = Path.Combine(TestPaths.NewTempFolder(), "matrix.parquet");
        var schema = TokenTableSchema.LossMatrix(["EleutherAI/pythia-70m", "pythia-1.4b"], hasSet: true);
        var lossesRowMajor = rows.LossA.Zip(rows.LossB, (a, b) => new[] { a, b }).SelectMany(x => x).ToArray();
        int half = rows.Doc.Length / 2;
        await using (var writer = await TokenTableWriter.CreateAsync(path, schema, rowGroupSize: 100))
        {
            writer.Append(rows.Doc.AsSpan(0, half), rows.Pos.AsSpan(0, half), rows.Token.AsSpan(0, half),
                lossesRowMajor.AsSpan(0, 2 * half), rows.Set.AsSpan(0, half));
            for (int i = half; i < rows.Doc.Length; i++)
                writer.Append(rows.Doc[i], rows.Pos[i], rows.Token[i], [rows.LossA[i], rows.LossB[i]], rows.Set[i]);
            Assert.Equal(rows.Doc.Length, writer.RowCount);
            await writer.CompleteAsync();
        }

        await using var reader = await TokenTableReader.OpenAsync(path);
        Assert.Equal((rows.Doc.Length + 99) / 100, reader.RowGroupCount);
        Assert.Equal(["EleutherAI/pythia-70m", "pythia-1.4b"], reader.LossColumns);
        Assert.Equal(rows.Doc, await reader.ReadColumnAsync<long>("doc"));
        Assert.Equal(rows.Pos, await reader.ReadColumnAsync<int>("pos"));
        Assert.Equal(rows.LossA, await reader.ReadColumnAsync<float>("EleutherAI/pythia-70m"));
        Assert.Equal(rows.LossB, await reader.ReadColumnAsync<float>("pythia-1.4b"));
        Assert.Equal(rows.Set, await reader.ReadColumnAsync<string?>("set"));
        await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadColumnAsync<int>("doc"));

        var matrix = await RowMajorLossMatrix.ReadAsync(path);
        Assert.Equal(lossesRowMajor, matrix.Values);
        Assert.Equal(rows.LossB[7], matrix[7, 1]);
    }

    [Fact]
    public async Task AppendDocumentNumbersPositionsFromZero()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "doc.parquet");
        await using (var writer = await TokenTableWriter.CreateAsync(path, TokenTableSchema.SingleModel(hasSet: true)))
        {
            writer.AppendDocument(4, [11, 12, 13], [0.5f, 1.5f, 2.5f], "Github");
            writer.AppendDocument(9, [21], [3.5f]);
            await writer.CompleteAsync();
        }
        var table = await TokenTable.ReadAsync(path);
        Assert.Equal([4L, 4, 4, 9], table.Doc);
        Assert.Equal([0, 1, 2, 0], table.Pos);
        Assert.Equal([11, 12, 13, 21], table.Token);
        Assert.Equal([0.5f, 1.5f, 2.5f, 3.5f], table.Loss("loss"));
        Assert.Equal(new string?[] { "Github", "Github", "Github", null }, table.Set!.AsEnumerable());
    }

    [Fact]
    public async Task TableAppearsOnlyWhenCompleted()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "t.parquet");
        var writer = await TokenTableWriter.CreateAsync(path, TokenTableSchema.SingleModel(), rowGroupSize: 4);
        for (int i = 0; i < 10; i++) writer.Append(0, i, i, i);
        Assert.True(File.Exists(path + ".tmp"));
        Assert.False(File.Exists(path));

        await writer.CompleteAsync();
        await writer.DisposeAsync();
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(10, (await TokenTableReader.OpenAsync(path)).RowCount);

        // an exception unwinding through `using` discards the partial table and keeps the published one
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var failing = await TokenTableWriter.CreateAsync(path, TokenTableSchema.SingleModel(), rowGroupSize: 4);
            for (int i = 0; i < 7; i++) failing.Append(2, i, i, i);
            throw new InvalidOperationException("the producer failed");
        });
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(10, (await TokenTableReader.OpenAsync(path)).RowCount);

        var aborted = await TokenTableWriter.CreateAsync(path, TokenTableSchema.SingleModel(), rowGroupSize: 4);
        for (int i = 0; i < 6; i++) aborted.Append(1, i, i, i);
        await aborted.DiscardAsync();
        await aborted.DisposeAsync();
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(10, (await TokenTableReader.OpenAsync(path)).RowCount);
    }

    [Fact]
    public async Task EmptyTableIsValid()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "empty.parquet");
        await using (var writer = await TokenTableWriter.CreateAsync(path, TokenTableSchema.SingleModel(hasSet: true))) await writer.CompleteAsync();

        await using var reader = await TokenTableReader.OpenAsync(path);
        Assert.Equal(0, reader.RowCount);
        Assert.Empty((await reader.ReadAllAsync()).Doc);
    }

    [Fact]
    public async Task UnfinishedTemporaryFileIsNotAReadableTable()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "killed.parquet");
        var writer = await TokenTableWriter.CreateAsync(path, TokenTableSchema.SingleModel(), rowGroupSize: 4);
        for (int i = 0; i < 10; i++) writer.Append(0, i, i, i);
        // a killed run: the .tmp file holds row groups but no footer
        File.Copy(path + ".tmp", path + ".copy.parquet");
        await writer.DiscardAsync();
        await Assert.ThrowsAsync<InputException>(() => TokenTableReader.OpenAsync(path + ".copy.parquet"));
    }

    [Fact]
    public async Task ParquetFileWithoutTheTableColumnsNamesTheMissingOne()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "other.parquet");
        var doc = new DataField<long>("doc");
        var text = new DataField<string>("text");
        await using (var file = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(doc, text), file))
        {
            using var rowGroup = writer.CreateRowGroup();
            await rowGroup.WriteAsync(doc, new ReadOnlyMemory<long>([1L, 2L]));
            await rowGroup.WriteAsync(text, ["a", "b"]);
        }

        var e = await Assert.ThrowsAsync<InputException>(() => TokenTableReader.OpenAsync(path));
        Assert.Equal($"{path}: not a token table: no 'pos' column (the file has columns: doc, text)", e.Message);
    }

    [Fact]
    public async Task SchemaRejectsReservedAndDuplicateNames()
    {
        Assert.Throws<ArgumentException>(() => TokenTableSchema.LossMatrix(["a", "a"]));
        Assert.Throws<ArgumentException>(() => TokenTableSchema.LossMatrix(["token"]));
        Assert.Throws<ArgumentException>(() => TokenTableSchema.LossMatrix([]));
        var path = Path.Combine(TestPaths.NewTempFolder(), "x.parquet");
        await using var writer = await TokenTableWriter.CreateAsync(path, TokenTableSchema.LossMatrix(["a", "b"]));
        Assert.Throws<ArgumentException>(() => writer.Append(0, 0, 0, 1f));
    }

    [Fact]
    public async Task LossMatrixExportsNpyThatReadsBack()
    {
        var rows = SampleRows(25);
        var folder = TestPaths.NewTempFolder();
        var path = Path.Combine(folder, "m.parquet");
        await using (var writer = await TokenTableWriter.CreateAsync(path, TokenTableSchema.LossMatrix(["m1", "m2"]), rowGroupSize: 64))
        {
            for (int i = 0; i < rows.Doc.Length; i++)
                writer.Append(rows.Doc[i], rows.Pos[i], rows.Token[i], [rows.LossA[i], rows.LossB[i]]);
            await writer.CompleteAsync();
        }

        var npyPath = Path.Combine(folder, "m.npy");
        Assert.Equal(["m2", "m1"], await RowMajorLossMatrix.ExportNpyAsync(path, npyPath, ["m2", "m1"]));

        var npy = Npy.Read<float>(npyPath);
        Assert.Equal([rows.Doc.Length, 2], npy.Shape);
        Assert.Equal(rows.LossB.Zip(rows.LossA, (b, a) => new[] { b, a }).SelectMany(x => x), npy.Data);
        var inMemory = Path.Combine(folder, "m2.npy");
        (await RowMajorLossMatrix.ReadAsync(path, ["m2", "m1"])).WriteNpy(inMemory);
        Assert.Equal(File.ReadAllBytes(npyPath), File.ReadAllBytes(inMemory));
    }
}
