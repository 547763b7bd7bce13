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
    public void SingleModelTableRoundTripsWithoutSet()
    {
        var rows = SampleRows(30);
        var path = Path.Combine(TestPaths.NewTempFolder(), "losses.parquet");
        using (var writer = TokenTableWriter.Create(path, TokenTableSchema.SingleModel()))
        {
            for (int i = 0; i < rows.Doc.Length; i++)
                writer.Append(rows.Doc[i], rows.Pos[i], rows.Token[i], rows.LossA[i]);
            writer.Complete();
        }

        using var reader = TokenTableReader.Open(path);
        Assert.Equal(["loss"], reader.LossColumns);
        Assert.False(reader.HasSet);
        Assert.Equal(rows.Doc.Length, reader.RowCount);
        var table = reader.ReadAll();
        Assert.Equal(rows.Doc, table.Doc);
        Assert.Equal(rows.Pos, table.Pos);
        Assert.Equal(rows.Token, table.Token);
        Assert.Equal(rows.LossA, table.Loss("loss"));
        Assert.Null(table.Set);
    }

    [Fact]
    public void LossMatrixWithSetRoundTripsAcrossManyRowGroups()
    {
        var rows = SampleRows(60);
        var path = Path.Combine(TestPaths.NewTempFolder(), "matrix.parquet");
        var schema = TokenTableSchema.LossMatrix(["EleutherAI/pythia-70m", "pythia-1.4b"], hasSet: true);
        var lossesRowMajor = rows.LossA.Zip(rows.LossB, (a, b) => new[] { a, b }).SelectMany(x => x).ToArray();
        int half = rows.Doc.Length / 2;
        using (var writer = TokenTableWriter.Create(path, schema, rowGroupSize: 100))
        {
            writer.Append(rows.Doc.AsSpan(0, half), rows.Pos.AsSpan(0, half), rows.Token.AsSpan(0, half),
                lossesRowMajor.AsSpan(0, 2 * half), rows.Set.AsSpan(0, half));
            for (int i = half; i < rows.Doc.Length; i++)
                writer.Append(rows.Doc[i], rows.Pos[i], rows.Token[i], [rows.LossA[i], rows.LossB[i]], rows.Set[i]);
            Assert.Equal(rows.Doc.Length, writer.RowCount);
            writer.Complete();
        }

        using var reader = TokenTableReader.Open(path);
        Assert.Equal((rows.Doc.Length + 99) / 100, reader.RowGroupCount);
        Assert.Equal(["EleutherAI/pythia-70m", "pythia-1.4b"], reader.LossColumns);
        Assert.Equal(rows.Doc, reader.ReadColumn<long>("doc"));
        Assert.Equal(rows.Pos, reader.ReadColumn<int>("pos"));
        Assert.Equal(rows.LossA, reader.ReadColumn<float>("EleutherAI/pythia-70m"));
        Assert.Equal(rows.LossB, reader.ReadColumn<float>("pythia-1.4b"));
        Assert.Equal(rows.Set, reader.ReadColumn<string?>("set"));
        Assert.Throws<ArgumentException>(() => reader.ReadColumn<int>("doc"));

        var matrix = RowMajorLossMatrix.Read(path);
        Assert.Equal(lossesRowMajor, matrix.Values);
        Assert.Equal(rows.LossB[7], matrix[7, 1]);
    }

    [Fact]
    public void AppendDocumentNumbersPositionsFromZero()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "doc.parquet");
        using (var writer = TokenTableWriter.Create(path, TokenTableSchema.SingleModel(hasSet: true)))
        {
            writer.AppendDocument(4, [11, 12, 13], [0.5f, 1.5f, 2.5f], "Github");
            writer.AppendDocument(9, [21], [3.5f]);
            writer.Complete();
        }
        var table = TokenTable.Read(path);
        Assert.Equal([4L, 4, 4, 9], table.Doc);
        Assert.Equal([0, 1, 2, 0], table.Pos);
        Assert.Equal([11, 12, 13, 21], table.Token);
        Assert.Equal([0.5f, 1.5f, 2.5f, 3.5f], table.Loss("loss"));
        Assert.Equal(new string?[] { "Github", "Github", "Github", null }, table.Set!.AsEnumerable());
    }

    [Fact]
    public void TableAppearsOnlyWhenCompleted()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "t.parquet");
        var writer = TokenTableWriter.Create(path, TokenTableSchema.SingleModel(), rowGroupSize: 4);
        for (int i = 0; i < 10; i++) writer.Append(0, i, i, i);
        Assert.True(File.Exists(path + ".tmp"));
        Assert.False(File.Exists(path));

        writer.Complete();
        writer.Dispose();
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(10, TokenTableReader.Open(path).RowCount);

        // an exception unwinding through `using` discards the partial table and keeps the published one
        Assert.Throws<InvalidOperationException>(void () =>
        {
            using var failing = TokenTableWriter.Create(path, TokenTableSchema.SingleModel(), rowGroupSize: 4);
            for (int i = 0; i < 7; i++) failing.Append(2, i, i, i);
            throw new InvalidOperationException("the producer failed");
        });
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(10, TokenTableReader.Open(path).RowCount);

        var aborted = TokenTableWriter.Create(path, TokenTableSchema.SingleModel(), rowGroupSize: 4);
        for (int i = 0; i < 6; i++) aborted.Append(1, i, i, i);
        aborted.Abort();
        aborted.Dispose();
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(10, TokenTableReader.Open(path).RowCount);
    }

    [Fact]
    public async Task EmptyTableIsValid()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "empty.parquet");
        await using (var writer = TokenTableWriter.Create(path, TokenTableSchema.SingleModel(hasSet: true))) await writer.CompleteAsync();

        using var reader = TokenTableReader.Open(path);
        Assert.Equal(0, reader.RowCount);
        Assert.Empty(reader.ReadAll().Doc);
    }

    [Fact]
    public void UnfinishedTemporaryFileIsNotAReadableTable()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "killed.parquet");
        var writer = TokenTableWriter.Create(path, TokenTableSchema.SingleModel(), rowGroupSize: 4);
        for (int i = 0; i < 10; i++) writer.Append(0, i, i, i);
        // a killed run: the .tmp file holds row groups but no footer
        File.Copy(path + ".tmp", path + ".copy.parquet");
        writer.Abort();
        Assert.Throws<InputException>(() => TokenTableReader.Open(path + ".copy.parquet"));
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

        var e = Assert.Throws<InputException>(() => TokenTableReader.Open(path));
        Assert.Equal($"{path}: not a token table: no 'pos' column (the file has columns: doc, text)", e.Message);
    }

    [Fact]
    public void SchemaRejectsReservedAndDuplicateNames()
    {
        Assert.Throws<ArgumentException>(() => TokenTableSchema.LossMatrix(["a", "a"]));
        Assert.Throws<ArgumentException>(() => TokenTableSchema.LossMatrix(["token"]));
        Assert.Throws<ArgumentException>(() => TokenTableSchema.LossMatrix([]));
        var path = Path.Combine(TestPaths.NewTempFolder(), "x.parquet");
        using var writer = TokenTableWriter.Create(path, TokenTableSchema.LossMatrix(["a", "b"]));
        Assert.Throws<ArgumentException>(() => writer.Append(0, 0, 0, 1f));
    }

    [Fact]
    public void LossMatrixExportsNpyThatReadsBack()
    {
        var rows = SampleRows(25);
        var folder = TestPaths.NewTempFolder();
        var path = Path.Combine(folder, "m.parquet");
        using (var writer = TokenTableWriter.Create(path, TokenTableSchema.LossMatrix(["m1", "m2"]), rowGroupSize: 64))
        {
            for (int i = 0; i < rows.Doc.Length; i++)
                writer.Append(rows.Doc[i], rows.Pos[i], rows.Token[i], [rows.LossA[i], rows.LossB[i]]);
            writer.Complete();
        }

        var npyPath = Path.Combine(folder, "m.npy");
        Assert.Equal(["m2", "m1"], RowMajorLossMatrix.ExportNpy(path, npyPath, ["m2", "m1"]));

        var npy = Npy.Read<float>(npyPath);
        Assert.Equal([rows.Doc.Length, 2], npy.Shape);
        Assert.Equal(rows.LossB.Zip(rows.LossA, (b, a) => new[] { b, a }).SelectMany(x => x), npy.Data);
        var inMemory = Path.Combine(folder, "m2.npy");
        RowMajorLossMatrix.Read(path, ["m2", "m1"]).WriteNpy(inMemory);
        Assert.Equal(File.ReadAllBytes(npyPath), File.ReadAllBytes(inMemory));
    }
}
