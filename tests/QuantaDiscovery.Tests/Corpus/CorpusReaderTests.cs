using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using QuantaDiscovery.Common;
using QuantaDiscovery.Corpus;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Corpus;

public class CorpusReaderTests
{
    private static readonly CorpusDocument[] Documents =
    [
        new(0, "def f(x):\n    return x", "Github"),
        new(1, "Quarks \"and\" leptons — ∂μ ψ", "ArXiv"),
        new(2, "no set name here", null),
        new(3, "", "Pile-CC"),
        new(4, "emoji 🙂 and\ttab", "Enron Emails"),
    ];

    private static string PileLine(CorpusDocument d) => d.SetName is null
        ? JsonSerializer.Serialize(new { text = d.Text, meta = new { } })
        : JsonSerializer.Serialize(new { text = d.Text, meta = new { pile_set_name = d.SetName }, extra = new[] { 1, 2 } });

    private static byte[] JsonLines(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");

    private static string Write(string folder, string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Zstd(byte[] data)
    {
        var output = new MemoryStream();
        using (var zstd = new ZstdSharp.CompressionStream(output, level: 3, leaveOpen: true)) zstd.Write(data);
        return output.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }

    [Theory]
    [InlineData("corpus.jsonl")]
    [InlineData("corpus.jsonl.zst")]
    [InlineData("corpus.jsonl.gz")]
    public async Task JsonLinesRoundTripInEveryContainer(string name)
    {
        var folder = TestPaths.NewTempFolder();
        var bytes = JsonLines(Documents.Select(PileLine));
        if (name.EndsWith(".zst")) bytes = Zstd(bytes);
        if (name.EndsWith(".gz")) bytes = Gzip(bytes);
        var path = Write(folder, name, bytes);

        var report = new CorpusReadReport();
        var read = await CorpusReader.ReadAsync(path, report: report).ToListAsync();

        Assert.Equal(Documents, read);
        Assert.Equal(Documents.Length, report.DocumentsRead);
        Assert.Equal(0, report.SkippedCount);
    }

    [Fact]
    public async Task AsyncVariantYieldsTheSameDocuments()
    {
        var path = Write(TestPaths.NewTempFolder(), "c.jsonl.zst", Zstd(JsonLines(Documents.Select(PileLine))));
        var read = new List<CorpusDocument>();
        await foreach (var d in CorpusReader.ReadAsync(path)) read.Add(d);
        Assert.Equal(Documents, read);
    }

    [Fact]
    public async Task LinesLongerThanTheBufferAndCrlfEndingsAreRead()
    {
        var longText = new string('x', 3_000_000);
        var content = "\uFEFF" + PileLine(new(0, longText, "Books3")) + "\r\n" + PileLine(new(1, "short", null)) + "\r\n"
            + PileLine(new(2, "no final newline", "Github"));
        var path = Write(TestPaths.NewTempFolder(), "long.jsonl", Encoding.UTF8.GetBytes(content));

        var read = await CorpusReader.ReadAsync(path).ToListAsync();

        Assert.Equal([new(0, longText, "Books3"), new(1, "short", null), new(2, "no final newline", "Github")], read);
    }

    [Theory]
    [InlineData("{\"text\": \"a\", ", "malformed JSON")]
    [InlineData("[1, 2]", "expected a JSON object, found an array")]
    [InlineData("{\"meta\": {\"pile_set_name\": \"Github\"}}", "no 'text' field")]
    [InlineData("{\"text\": 42}", "'text' is a number, expected a string")]
    [InlineData("{\"text\": null}", "'text' is null, expected a string")]
    [InlineData("{\"text\": \"a\"} trailing", "malformed JSON")]
    public async Task BadLineNamesFileAndLine(string badLine, string expected)
    {
        var lines = Documents.Take(2).Select(PileLine).Append(badLine).Concat(Documents.Skip(2).Select(PileLine));
        var path = Write(TestPaths.NewTempFolder(), "bad.jsonl", JsonLines(lines));

        var read = new List<CorpusDocument>();
        var e = await Assert.ThrowsAsync<InputException>(async () => { await foreach (var d in CorpusReader.ReadAsync(path)) read.Add(d); });

        Assert.StartsWith($"{path}:3: ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Equal(3, e.Line);
        Assert.Equal(Documents.Take(2), read);
    }

    [Fact]
    public async Task SkipModeCountsBadLinesAndKeepsLineIndices()
    {
        string[] lines =
        [
            PileLine(Documents[0]),
            "{not json",
            PileLine(Documents[1]),
            "",
            "{\"meta\": {}}",
            PileLine(Documents[2]),
        ];
        var path = Write(TestPaths.NewTempFolder(), "skip.jsonl", JsonLines(lines));
        var report = new CorpusReadReport();

        var read = await CorpusReader.ReadAsync(path, new CorpusReadOptions { SkipBadLines = true }, report).ToListAsync();

        Assert.Equal([0L, 2L, 5L], read.Select(d => d.Index));
        Assert.Equal([Documents[0].Text, Documents[1].Text, Documents[2].Text], read.Select(d => d.Text));
        Assert.Equal(3, report.DocumentsRead);
        Assert.Equal(2, report.SkippedCount);
        Assert.Equal([1L, 4L], report.FirstSkipped.Select(s => s.Index));
        Assert.Equal(["line 2", "line 5"], report.FirstSkipped.Select(s => s.Location));
        Assert.Contains("malformed JSON", report.FirstSkipped[0].Reason);
        Assert.Equal("no 'text' field", report.FirstSkipped[1].Reason);
        Assert.Contains("skipped 2", report.Summary());
    }

    [Fact]
    public async Task ReportListsTheFirstSkipsAndCountsAll()
    {
        var lines = Enumerable.Range(0, 25).Select(i => i % 2 == 0 ? "oops" : PileLine(new(i, $"doc {i}", null)));
        var path = Write(TestPaths.NewTempFolder(), "many.jsonl", JsonLines(lines));
        var report = new CorpusReadReport();

        var read = await CorpusReader.ReadAsync(path, new CorpusReadOptions { SkipBadLines = true }, report).ToListAsync();

        Assert.Equal(12, read.Count);
        Assert.Equal(13, report.SkippedCount);
        Assert.Equal(CorpusReadReport.MaxListed, report.FirstSkipped.Count);
        Assert.Contains("and 3 more", report.Summary());
    }

    [Fact]
    public async Task MaxDocumentsStopsAfterThatManyDocuments()
    {
        var lines = Documents.Select(PileLine).Prepend("bad");
        var path = Write(TestPaths.NewTempFolder(), "max.jsonl", JsonLines(lines));

        var read = await CorpusReader.ReadAsync(path, new CorpusReadOptions { SkipBadLines = true, MaxDocuments = 3 }).ToListAsync();

        Assert.Equal([1L, 2L, 3L], read.Select(d => d.Index));
    }

    [Fact]
    public async Task StoppingEarlyReleasesTheReadAheadOfACompressedFile()
    {
        // ~8 MB decompressed: more than the read-ahead holds, so the background reader is blocked when we stop
        var lines = Enumerable.Range(0, 2000).Select(i => PileLine(new(i, new string((char)('a' + i % 26), 4000), "Books3")));
        var path = Write(TestPaths.NewTempFolder(), "big.jsonl.zst", Zstd(JsonLines(lines)));

        var read = await CorpusReader.ReadAsync(path, new CorpusReadOptions { MaxDocuments = 5 }).ToListAsync();

        Assert.Equal([0L, 1, 2, 3, 4], read.Select(d => d.Index));
    }

    [Fact]
    public async Task TruncatedZstdNamesTheLastCompleteLine()
    {
        var lines = Enumerable.Range(0, 2000).Select(i => PileLine(new(i, $"document number {i} {Guid.NewGuid()}", "Github")));
        var compressed = Zstd(JsonLines(lines));
        var path = Write(TestPaths.NewTempFolder(), "cut.jsonl.zst", compressed[..(compressed.Length * 2 / 3)]);

        long count = 0;
        var e = await Assert.ThrowsAsync<InputException>(async () => { await foreach (var d in CorpusReader.ReadAsync(path)) Assert.Equal(count++, d.Index); });

        Assert.StartsWith($"{path}: zstd stream is truncated or corrupt after line {count}, the last complete line read", e.Message);
        Assert.InRange(count, 1, 1999);
    }

    [Theory]
    [InlineData(4)]       // only the size field of the trailer missing
    [InlineData(5000)]    // cut inside the deflate data
    public async Task TruncatedGzipNamesTheLastCompleteLine(int bytesCut)
    {
        var lines = Enumerable.Range(0, 2000).Select(i => PileLine(new(i, $"document number {i} {Guid.NewGuid()}", "ArXiv")));
        var compressed = Gzip(JsonLines(lines));
        var path = Write(TestPaths.NewTempFolder(), "cut.jsonl.gz", compressed[..^bytesCut]);

        long count = 0;
        var e = await Assert.ThrowsAsync<InputException>(async () => { await foreach (var d in CorpusReader.ReadAsync(path)) Assert.Equal(count++, d.Index); });

        Assert.StartsWith($"{path}: gzip stream is truncated", e.Message);
        Assert.Contains($"after line {count}, the last complete line read", e.Message);
        Assert.InRange(count, 1, bytesCut == 4 ? 2000 : 1999);
    }

    [Fact]
    public async Task TruncationIsAnErrorEvenWhenSkippingBadLines()
    {
        var compressed = Zstd(JsonLines(Documents.Select(PileLine)));
        var path = Write(TestPaths.NewTempFolder(), "cut.zst", compressed[..^3]);
        var options = new CorpusReadOptions { SkipBadLines = true };
        await Assert.ThrowsAsync<InputException>(async () => await CorpusReader.ReadAsync(path, options).ToListAsync());
    }

    [Fact]
    public void UnknownExtensionAndMissingFileAreInputErrors()
    {
        var folder = TestPaths.NewTempFolder();
        var text = Write(folder, "corpus.txt", JsonLines(Documents.Select(PileLine)));
        var e = Assert.Throws<InputException>(() => CorpusReader.ReadAsync(text));
        Assert.Contains("unknown corpus format", e.Message);
        Assert.StartsWith(text, e.Message);

        var missing = Path.Combine(folder, "absent.jsonl");
        Assert.Contains("file not found", Assert.Throws<InputException>(() => CorpusReader.ReadAsync(missing)).Message);
    }

    // ---- Parquet ----

    private static async Task<string> WriteParquet(string path, ParquetSchema schema, params (DataField Field, string?[] Values)[] columns)
    {
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, file);
        using var rowGroup = writer.CreateRowGroup();
        foreach (var (field, values) in columns) await rowGroup.WriteAsync(field, values!);
        return path;
    }

    private static string?[] Texts => [.. Documents.Select(d => d.Text)];
    private static string?[] SetNames => [.. Documents.Select(d => d.SetName)];

    [Fact]
    public async Task ParquetWithMetaStructRoundTrips()
    {
        var text = new DataField<string>("text");
        var setName = new DataField<string>("pile_set_name");
        var path = await WriteParquet(Path.Combine(TestPaths.NewTempFolder(), "struct.parquet"),
            new ParquetSchema(text, new StructField("meta", setName)), (text, Texts), (setName, SetNames));

        Assert.Equal(Documents, await CorpusReader.ReadAsync(path).ToListAsync());
    }

    [Fact]
    public async Task ParquetWithFlatSetColumnRoundTrips()
    {
        var id = new DataField<string>("id");
        var text = new DataField<string>("text");
        var setName = new DataField<string>("pile_set_name");
        var ids = Documents.Select(d => (string?)$"doc-{d.Index}").ToArray();
        var path = await WriteParquet(Path.Combine(TestPaths.NewTempFolder(), "flat.parquet"),
            new ParquetSchema(id, text, setName), (id, ids), (text, Texts), (setName, SetNames));

        var read = new List<CorpusDocument>();
        await foreach (var d in CorpusReader.ReadAsync(path)) read.Add(d);
        Assert.Equal(Documents, read);
    }

    [Fact]
    public async Task ParquetWithMetaJsonColumnRoundTrips()
    {
        var text = new DataField<string>("text");
        var meta = new DataField<string>("meta");
        var metas = Documents.Select(d => (string?)JsonSerializer.Serialize(new { pile_set_name = d.SetName })).ToArray();
        var path = await WriteParquet(Path.Combine(TestPaths.NewTempFolder(), "json.parquet"),
            new ParquetSchema(text, meta), (text, Texts), (meta, metas));

        Assert.Equal(Documents, await CorpusReader.ReadAsync(path).ToListAsync());
    }

    [Fact]
    public async Task ParquetRowGroupsKeepRowIndicesAndNullTextIsReported()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "groups.parquet");
        var text = new DataField<string>("text");
        await using (var file = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(text), file))
        {
            foreach (var group in new[] { new[] { "a", "b" }, new[] { null, "d", "e" } })
            {
                using var rowGroup = writer.CreateRowGroup();
                await rowGroup.WriteAsync(text, group!);
            }
        }

        var e = await Assert.ThrowsAsync<InputException>(async () => await CorpusReader.ReadAsync(path).ToListAsync());
        Assert.Equal($"{path} (document 2): 'text' is null", e.Message);

        var report = new CorpusReadReport();
        var read = await CorpusReader.ReadAsync(path, new CorpusReadOptions { SkipBadLines = true, MaxDocuments = 3 }, report).ToListAsync();
        Assert.Equal([new(0, "a", null), new(1, "b", null), new(3, "d", null)], read);
        Assert.Equal("document 2", Assert.Single(report.FirstSkipped).Location);
    }

    [Fact]
    public async Task ParquetWithoutTextColumnListsItsColumns()
    {
        var body = new DataField<string>("body");
        var setName = new DataField<string>("pile_set_name");
        var path = await WriteParquet(Path.Combine(TestPaths.NewTempFolder(), "notext.parquet"),
            new ParquetSchema(body, new StructField("meta", setName)), (body, Texts), (setName, SetNames));

        var e = await Assert.ThrowsAsync<InputException>(async () => await CorpusReader.ReadAsync(path).ToListAsync());

        Assert.Equal($"{path}: no 'text' column; the file has columns: body, meta.pile_set_name", e.Message);
    }

    [Fact]
    public async Task NotAParquetFileIsAnInputError()
    {
        var path = Write(TestPaths.NewTempFolder(), "fake.parquet", JsonLines(Documents.Select(PileLine)));
        var e = await Assert.ThrowsAsync<InputException>(async () => await CorpusReader.ReadAsync(path).ToListAsync());
        Assert.StartsWith($"{path}: not a readable Parquet file", e.Message);
    }
}
