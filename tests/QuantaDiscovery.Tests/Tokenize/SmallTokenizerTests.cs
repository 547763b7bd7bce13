using QuantaDiscovery.Common;
using System.Text.Json;
using QuantaDiscovery.Tokenize;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Tokenize;

/// <summary>
/// data/small/: GPT-NeoX-20B cut to its first 1000 merges by data/make-fuzz-cases.js (independently of
/// <see cref="ByteLevelBpeTokenizer.Truncate"/>) and variants using the other tokenizer.json forms the
/// loader accepts, each with the ids Hugging Face tokenizers gave random texts.
/// </summary>
public class SmallTokenizerTests
{
    private static string SmallPath(string name) => TestPaths.InRepo($"tests/QuantaDiscovery.Tests/Tokenize/data/small/{name}");

    public static TheoryData<string> Names => ["neox-1000-merges", "added-token-options", "no-regex-no-normalizer"];

    private static void AssertEncodesLikeHuggingFace(ByteLevelBpeTokenizer tokenizer, string name)
    {
        var cases = HuggingFaceCasesTests.ReadCases($"small/{name}.cases.jsonl");
        Assert.NotEmpty(cases);
        foreach (var (text, ids) in cases)
        {
            var actual = tokenizer.Encode(text);
            Assert.True(ids.SequenceEqual(actual),
                $"{name}: text {JsonSerializer.Serialize(text)}\n expected [{string.Join(",", ids)}]\n actual   [{string.Join(",", actual)}]");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EncodesLikeHuggingFace(string name) =>
        AssertEncodesLikeHuggingFace(ByteLevelBpeTokenizer.Load(SmallPath($"{name}.tokenizer.json")), name);

    [Theory]
    [MemberData(nameof(Names))]
    public void SavedTokenizerReloadsAndEncodesTheSame(string name)
    {
        var saved = Path.Combine(TestPaths.NewTempFolder(), "tokenizer.json");
        ByteLevelBpeTokenizer.Load(SmallPath($"{name}.tokenizer.json")).Save(saved);
        AssertEncodesLikeHuggingFace(ByteLevelBpeTokenizer.Load(saved), name);
    }

    [Fact]
    public void TruncatingNeoxToAThousandMergesMatchesTheIndependentlyTruncatedFile()
    {
        var truncated = ReferenceTokenizer.Neox.Truncate(1000);
        var reference = ByteLevelBpeTokenizer.Load(SmallPath("neox-1000-merges.tokenizer.json"));
        Assert.Equal(1000, truncated.MergeCount);
        Assert.Equal(reference.VocabularySize, truncated.VocabularySize);
        Assert.Equal(2 + 243 + 1000 + 23, truncated.VocabularySize);
        for (var id = 0; id < reference.VocabularySize; id++) Assert.Equal(reference.TokenText(id), truncated.TokenText(id));
        AssertEncodesLikeHuggingFace(truncated, "neox-1000-merges");

        var saved = Path.Combine(TestPaths.NewTempFolder(), "tokenizer.json");
        truncated.Save(saved);
        AssertEncodesLikeHuggingFace(ByteLevelBpeTokenizer.Load(saved), "neox-1000-merges");
    }

    [Fact]
    public void TruncatingToZeroMergesLeavesBytesAndAddedTokens()
    {
        var bytesOnly = ReferenceTokenizer.Neox.Truncate(0);
        Assert.Equal(2 + 243 + 23, bytesOnly.VocabularySize);
        Assert.Equal([0], bytesOnly.Encode("<|endoftext|>"));
        var hello = bytesOnly.Encode("hello");
        Assert.Equal(5, hello.Length);
        Assert.Equal("hello", bytesOnly.Decode(hello));
        Assert.Throws<InputException>(() => ReferenceTokenizer.Neox.Truncate(50_010));
        Assert.Throws<InputException>(() => ReferenceTokenizer.Neox.Truncate(-1));
    }
}
