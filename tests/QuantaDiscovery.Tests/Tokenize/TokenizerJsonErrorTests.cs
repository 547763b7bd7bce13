using QuantaDiscovery.Common;
using QuantaDiscovery.Tokenize;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Tokenize;

public class TokenizerJsonErrorTests
{
    private const string ValidModel = """
        "model": { "type": "BPE", "vocab": { "a": 0, "b": 1, "ab": 2 }, "merges": ["a b"] }
        """;
    private const string ByteLevel = """
        "pre_tokenizer": { "type": "ByteLevel", "add_prefix_space": false },
        "decoder": { "type": "ByteLevel" }
        """;

    private static InputException LoadFails(string json)
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "tokenizer.json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<InputException>(() => ByteLevelBpeTokenizer.Load(path));
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        return error;
    }

    [Fact]
    public void TruncatedJsonNamesTheFileAndLine()
    {
        var error = LoadFails("{\n \"model\": {\n \"vocab\": {");
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void UnsupportedNormalizerNamesItsJsonPath()
    {
        var error = LoadFails($$"""{ "normalizer": { "type": "Sequence", "normalizers": [ { "type": "NFC" }, { "type": "Lowercase" } ] }, {{ByteLevel}}, {{ValidModel}} }""");
        Assert.Contains("$.normalizer.normalizers[1]", error.Message);
        Assert.Contains("Lowercase", error.Message);
    }

    [Fact]
    public void NonByteLevelPreTokenizerIsRefused() =>
        Assert.Contains("$.pre_tokenizer", LoadFails($$"""{ "pre_tokenizer": { "type": "Metaspace" }, "decoder": { "type": "ByteLevel" }, {{ValidModel}} }""").Message);

    [Fact]
    public void WordPieceModelIsRefused() =>
        Assert.Contains("$.model.type", LoadFails($$"""{ {{ByteLevel}}, "model": { "type": "WordPiece", "vocab": {} } }""").Message);

    [Fact]
    public void MergeOfAnUnknownTokenNamesTheMerge() =>
        Assert.Contains("$.model.merges[1]", LoadFails($$"""{ {{ByteLevel}}, "model": { "type": "BPE", "vocab": { "a": 0, "b": 1, "ab": 2 }, "merges": [["a", "b"], "a c"] } }""").Message);

    [Fact]
    public void AddedTokenWithoutIdNamesIt() =>
        Assert.Contains("$.added_tokens[0]", LoadFails($$"""{ "added_tokens": [ { "content": "<s>" } ], {{ByteLevel}}, {{ValidModel}} }""").Message);

    [Fact]
    public void MissingFileIsAnInputError()
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "absent.json");
        Assert.Equal(path, Assert.Throws<InputException>(() => ByteLevelBpeTokenizer.Load(path)).FilePath);
    }
}
