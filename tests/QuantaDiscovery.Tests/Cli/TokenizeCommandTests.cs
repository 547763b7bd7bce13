using System.Text.Json;
using QuantaDiscovery.Cli;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Tests.Tokenize;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Tests.Cli;

public class TokenizeCommandTests
{
    private static readonly string PythiaTokenizer = TestPaths.InRepo("models/tokenizers/gpt-neox-20b/tokenizer.json");

    [Fact]
    public async Task EveryReferenceCaseComesOutWithHuggingFaceIdsInInputOrder()
    {
        var cases = HuggingFaceCasesTests.ReadCases("tokenizer-cases.jsonl");
        var folder = TestPaths.NewTempFolder();
        var input = Path.Combine(folder, "cases.jsonl");
        var output = Path.Combine(folder, "ids.jsonl");
        File.WriteAllLines(input, cases.Select(c => JsonSerializer.Serialize(new { text = c.Text })));

        int code = await CliRun.Quiet(["tokenize", "--tokenizer", PythiaTokenizer, "--input", input, "--output", output, "--threads", "2"]);

        Assert.Equal(0, code);
        var ids = CorpusTokenization.ReadIdsJsonLines(output).ToList();
        Assert.Equal(cases.Count, ids.Count);
        for (int i = 0; i < cases.Count; i++)
            Assert.True(cases[i].Ids.SequenceEqual(ids[i]!), $"line {i + 1}: ids differ from Hugging Face's for {JsonSerializer.Serialize(cases[i].Text)}");
    }

    [Fact]
    public async Task SkippedBadLinesKeepLineAlignmentAndStrictModeNamesTheLine()
    {
        var folder = TestPaths.NewTempFolder();
        var input = Path.Combine(folder, "corpus.jsonl");
        File.WriteAllLines(input, ["{\"text\": \"Hello world\"}", "{\"text\": oops}", "{\"meta\": {}}", "{\"text\": \"  two  spaces\"}", "{not json"]);
        var output = Path.Combine(folder, "ids.jsonl");

        int skipping = await CliRun.Quiet(["tokenize", "--tokenizer", PythiaTokenizer, "--input", input, "--output", output, "--skip-bad-lines"]);
        Assert.Equal(0, skipping);
        var ids = CorpusTokenization.ReadIdsJsonLines(output).ToList();
        Assert.Equal(5, ids.Count);
        Assert.Equal([12092, 1533], ids[0]!);
        Assert.Null(ids[1]);
        Assert.Null(ids[2]);
        Assert.NotNull(ids[3]);
        Assert.Null(ids[4]);

        var strictOutput = Path.Combine(folder, "strict.jsonl");
        var error = new StringWriter();
        int strict = await QuantaCli.RunAsync(["tokenize", "--tokenizer", PythiaTokenizer, "--input", input, "--output", strictOutput], TextWriter.Null, error);
        Assert.Equal(2, strict);
        Assert.Contains($"{input}:2", error.ToString());
        Assert.False(File.Exists(strictOutput), "a failed run must not leave a complete-looking output");
    }
}
