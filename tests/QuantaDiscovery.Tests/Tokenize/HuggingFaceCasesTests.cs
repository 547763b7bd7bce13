using System.Text;
using System.Text.Json;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Tokenize;

/// <summary>
/// Texts with the ids Hugging Face tokenizers (Rust) gave them with GPT-NeoX-20B's tokenizer.json and
/// add_special_tokens=False. data/tokenizer-cases.jsonl: 150 cases made with the Python bindings;
/// data/fuzz-cases.jsonl: 400 seeded random texts (emoji, combining marks, CJK, space runs, odd
/// whitespace, added tokens) made with the Node bindings by data/make-fuzz-cases.js, with Hugging Face's
/// decoding of the ids (its NFC, with Unicode 9.0 tables, can differ from ICU's).
/// </summary>
public class HuggingFaceCasesTests
{
    public static TheoryData<string, int> CaseFiles => new() { { "tokenizer-cases.jsonl", 150 }, { "fuzz-cases.jsonl", 400 } };

    public static List<(string Text, int[] Ids)> ReadCases(string fileName) =>
        [.. ReadCasesWithDecoding(fileName).Select(c => (c.Text, c.Ids))];

    /// <summary>Cases with Hugging Face's decoding of the ids where the file has it, else the NFC of the text.</summary>
    private static List<(string Text, int[] Ids, string Decoded)> ReadCasesWithDecoding(string fileName) =>
        [.. File.ReadLines(TestPaths.InRepo($"tests/QuantaDiscovery.Tests/Tokenize/data/{fileName}"))
            .Where(line => line.Length > 0)
            .Select(line =>
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                var text = root.GetProperty("text").GetString()!;
                return (text, root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                        root.TryGetProperty("decoded", out var decoded) ? decoded.GetString()! : text.Normalize(NormalizationForm.FormC));
            })];

    [Theory]
    [MemberData(nameof(CaseFiles))]
    public void EveryCaseEncodesToHuggingFaceIds(string fileName, int caseCount)
    {
        var cases = ReadCases(fileName);
        Assert.Equal(caseCount, cases.Count);
        var failures = cases
            .Select(c => (c.Text, Expected: c.Ids, Actual: ReferenceTokenizer.Neox.Encode(c.Text)))
            .Where(c => !c.Expected.SequenceEqual(c.Actual))
            .Select(c => $"text {JsonSerializer.Serialize(c.Text)}\n  expected [{string.Join(",", c.Expected)}]\n  actual   [{string.Join(",", c.Actual)}]")
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases differ:\n{string.Join("\n", failures.Take(5))}");
    }

    [Theory]
    [MemberData(nameof(CaseFiles))]
    public void BatchEncodingEqualsTheReference(string fileName, int caseCount)
    {
        var cases = ReadCases(fileName);
        var batch = ReferenceTokenizer.Neox.EncodeBatch([.. cases.Select(c => c.Text)], maxDegreeOfParallelism: 2);
        Assert.Equal(caseCount, batch.Length);
        for (var i = 0; i < cases.Count; i++) Assert.Equal(cases[i].Ids, batch[i]);
    }

    [Theory]
    [MemberData(nameof(CaseFiles))]
    public void DecodingGivesBackTheNfcText(string fileName, int caseCount)
    {
        var cases = ReadCasesWithDecoding(fileName);
        Assert.Equal(caseCount, cases.Count);
        foreach (var (text, ids, decoded) in cases)
        {
            Assert.Equal(decoded, ReferenceTokenizer.Neox.Decode(ids));
            Assert.Equal(decoded, ReferenceTokenizer.Neox.Decode(ReferenceTokenizer.Neox.Encode(text)));
        }
    }
}
