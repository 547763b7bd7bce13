using System.Text.Json;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Tokenize;

/// <summary>
/// data/tokenizer-cases.jsonl: 150 texts with the ids Hugging Face tokenizers (Rust) gave them with
/// GPT-NeoX-20B's tokenizer.json and add_special_tokens=False.
/// </summary>
public class HuggingFaceCasesTests
{
    public static IReadOnlyList<(string Text, int[] Ids)> Cases { get; } = ReadCases();

    private static List<(string, int[])> ReadCases() =>
        [.. File.ReadLines(TestPaths.InRepo("tests/QuantaDiscovery.Tests/Tokenize/data/tokenizer-cases.jsonl"))
            .Where(line => line.Length > 0)
            .Select(line =>
            {
                using var json = JsonDocument.Parse(line);
                return (json.RootElement.GetProperty("text").GetString()!,
                        json.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
            })];

    [Fact]
    public void EveryCaseEncodesToHuggingFaceIds()
    {
        Assert.Equal(150, Cases.Count);
        var failures = Cases
            .Select(c => (c.Text, Expected: c.Ids, Actual: ReferenceTokenizer.Neox.Encode(c.Text)))
            .Where(c => !c.Expected.SequenceEqual(c.Actual))
            .Select(c => $"text {JsonSerializer.Serialize(c.Text)}\n  expected [{string.Join(",", c.Expected)}]\n  actual   [{string.Join(",", c.Actual)}]")
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases.Count} cases differ:\n{string.Join("\n", failures.Take(5))}");
    }

    [Fact]
    public void BatchEncodingEqualsSingleEncoding()
    {
        var texts = Cases.Select(c => c.Text).ToList();
        var batch = ReferenceTokenizer.Neox.EncodeBatch(texts, maxDegreeOfParallelism: 2);
        for (var i = 0; i < texts.Count; i++) Assert.Equal(Cases[i].Ids, batch[i]);
    }

    [Fact]
    public void DecodingTheIdsGivesBackTheNfcText()
    {
        foreach (var (text, ids) in Cases)
            Assert.Equal(text.Normalize(System.Text.NormalizationForm.FormC), ReferenceTokenizer.Neox.Decode(ids));
    }
}
