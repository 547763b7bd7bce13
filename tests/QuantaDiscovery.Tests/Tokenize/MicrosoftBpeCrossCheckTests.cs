using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace QuantaDiscovery.Tests.Tokenize;

/// <summary>
/// Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> as a second, independent implementation of
/// byte-level BPE merges. It lacks Hugging Face's added vocabulary, so the texts here avoid what that
/// changes (runs of spaces, <c>&lt;|</c>) and are given to it already in NFC.
/// </summary>
public class MicrosoftBpeCrossCheckTests
{
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static BpeTokenizer LoadMicrosoftBpe()
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(ReferenceTokenizer.NeoxJsonPath));
        var model = json.RootElement.GetProperty("model");
        var vocabulary = model.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        return BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = [.. model.GetProperty("merges").EnumerateArray().Select(m => m.GetString()!)],
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(new Regex(Gpt2Pattern), specialTokens: null),
        });
    }

    [Fact]
    public void MergesAgreeOnTextWithoutAddedTokens()
    {
        var microsoft = LoadMicrosoftBpe();
        var random = new Random(99);
        string[] words = ["the", " quanta", " naïve", " Straße", "'s", " don't", " 1234567", " 3.14", " 量子力学",
            " 😀👍🏽", " e\u0301", "\n", "\r\n", "\t", " --", " #!/usr/bin", " __init__", " Привет", " नमस्ते", "ÅÅ"];
        for (var i = 0; i < 300; i++)
        {
            var text = new StringBuilder();
            for (var j = random.Next(1, 30); j > 0; j--) text.Append(words[random.Next(words.Length)]);
            var nfc = text.ToString().Normalize(NormalizationForm.FormC);
            Assert.Equal(microsoft.EncodeToIds(nfc), ReferenceTokenizer.Neox.Encode(nfc));
        }
    }
}
