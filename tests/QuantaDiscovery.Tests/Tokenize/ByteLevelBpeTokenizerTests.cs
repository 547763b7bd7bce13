using System.Text;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Tests.Tokenize;

public class ByteLevelBpeTokenizerTests
{
    private static ByteLevelBpeTokenizer Neox => ReferenceTokenizer.Neox;

    private static int Id(string tokenText) => Neox.TokenId(tokenText) ?? throw new KeyNotFoundException(tokenText);

    [Fact]
    public void VocabularyCountsAddedTokens()
    {
        Assert.Equal(50_277, Neox.VocabularySize);
        Assert.Equal(50_009, Neox.MergeCount);
        Assert.Equal("<|endoftext|>", Neox.TokenText(0));
        Assert.Equal("<|padding|>", Neox.TokenText(1));
        Assert.Equal(new string(' ', 24), Neox.TokenText(50_254));
        Assert.Equal("  ", Neox.TokenText(50_276));
        Assert.Null(Neox.TokenText(50_277));
        Assert.Null(Neox.TokenText(-1));
        Assert.Equal(25, Neox.AddedTokens.Count);
        Assert.Equal([0, 1], Neox.AddedTokens.Where(t => t.Special).Select(t => t.Id));
    }

    [Fact]
    public void EndOfTextInRawTextIsIdZero()
    {
        Assert.Equal([0], Neox.Encode("<|endoftext|>"));
        Assert.Equal([Id("a"), 0, Id("b"), 1], Neox.Encode("a<|endoftext|>b<|padding|>"));
        // Split out before the pre-tokenizer, so the space before it stays a token of its own.
        Assert.Equal([Id("end"), Id("Ġ"), 0], Neox.Encode("end <|endoftext|>"));
    }

    [Fact]
    public void SpaceRunsAreAddedTokensAndTheNextWordLosesItsSpacePrefix()
    {
        Assert.Equal([Id("x"), Id("Ġword")], Neox.Encode("x word"));
        Assert.Equal([Id("x"), 50_276, Id("word")], Neox.Encode("x  word"));
        // 30 spaces: leftmost-longest gives the 24-space token, then the 6-space one (id 50254 + 24 - 6).
        Assert.Equal([Id("x"), 50_254, 50_272, Id("word")], Neox.Encode("x" + new string(' ', 30) + "word"));
    }

    [Fact]
    public void DigitRunsStayOnePreTokenAndNfcApplies()
    {
        // One pre-token " 2024": its BPE pieces decode back to it without a split after the space.
        var ids = Neox.Encode(" 2024");
        Assert.Equal(" 2024", string.Concat(ids.Select(id => Neox.Decode([id]))));
        Assert.Equal(Neox.Encode("\u00e9"), Neox.Encode("e\u0301"));
    }

    [Fact]
    public void DecodeSkipsIdsThatNameNoToken()
    {
        Assert.Equal("ab", Neox.Decode([Id("a"), 50_300, -5, Id("b")]));
        Assert.Equal("", Neox.Decode([]));
    }

    [Fact]
    public void TextThatIcuCannotNormalizeStillEncodes()
    {
        // ICU's NFC refuses U+FFFE and lone surrogates; the text around them is still normalized.
        Assert.Equal("\u00e9\ufffe\u0301x", Neox.Decode(Neox.Encode("e\u0301\ufffe\u0301x")));
        Assert.Equal("a\ufffd\u00e9", Neox.Decode(Neox.Encode("a\ud800e\u0301")));
        Assert.Equal(Neox.Encode("a\ufffd\u00e9"), Neox.Encode("a\udc00e\u0301"));
    }

    [Fact]
    public void EmptyTextHasNoTokens() => Assert.Empty(Neox.Encode(""));

    /// <summary>
    /// ICU's NFC is the expectation: Hugging Face's (Unicode 9.0 tables) differs only around marks assigned
    /// later, and these seeded strings hold none where that would matter.
    /// </summary>
    [Fact]
    public void RandomUnicodeRoundTripsToItsNfcForm()
    {
        var random = new Random(1234);
        string[] pool =
        [
            "a", "Z", "é", "e\u0301", "A\u030a", "\u0301", "ß", "ψ", "Ж", "量", "子", "カ", "ا", "न", "्", "\u1100\u1161",
            "😀", "👍🏽", "👨‍👩‍👧", "🇯🇵", "𝐀", "𝟘", "0", "7", "½", "'", "'s", "'LL", ".", "<", "|", "<|endoftext|>",
            " ", " ", "  ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2028", "\u200d", "\ufeff", "\u0000", "\u007f",
        ];
        var texts = new List<string>();
        for (var i = 0; i < 2000; i++)
        {
            var text = new StringBuilder();
            for (var j = random.Next(1, 40); j > 0; j--)
            {
                text.Append(random.Next(4) == 0
                    ? char.ConvertFromUtf32(RandomScalar(random))
                    : pool[random.Next(pool.Length)]);
                if (random.Next(10) == 0) text.Append(' ', random.Next(2, 40));
            }
            texts.Add(text.ToString());
        }
        var batch = Neox.EncodeBatch(texts, maxDegreeOfParallelism: 2);
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(texts[i].Normalize(NormalizationForm.FormC), Neox.Decode(batch[i]));
            Assert.Equal(batch[i], Neox.Encode(texts[i]));
        }
    }

    /// <summary>Any Unicode scalar value but U+FFFE (which string.Normalize refuses), weighted toward the BMP.</summary>
    private static int RandomScalar(Random random)
    {
        while (true)
        {
            var value = random.Next(3) == 0 ? random.Next(0x10000, 0x110000) : random.Next(0, 0x10000);
            if (value is (< 0xD800 or > 0xDFFF) and not 0xFFFE) return value;
        }
    }

    [Fact]
    public void EncodeBatchRejectsAZeroDegreeOfParallelism() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Neox.EncodeBatch(["a"], 0));
}
