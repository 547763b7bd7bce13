using System.Buffers;
using System.Text;

namespace QuantaDiscovery.Tokenize;

/// <summary>
/// Unicode Normalization Form C (UAX #15) as Hugging Face tokenizers computes it. Its NFC uses Unicode
/// 9.0 tables, in which characters assigned later are unassigned: a combining mark such as U+0D3B
/// (Unicode 10) has combining class 0 there and is not reordered. ICU (through
/// <see cref="string.Normalize(NormalizationForm)"/>) knows them, so such characters are cut out and
/// the stretches between them normalized separately; a character that neither composes nor reorders
/// leaves NFC of its surroundings unchanged, so this reproduces Hugging Face. U+FFFE and lone
/// surrogates, which ICU refuses, are cut out the same way (a lone surrogate is later encoded as U+FFFD).
/// </summary>
internal static class HuggingFaceNfc
{
    /// <summary>
    /// Characters assigned in Unicode 10.0–15.0 that take part in canonical normalization (nonzero
    /// combining class, canonical decomposition, or a component of one), from the Unicode Character
    /// Database 15.0 by tests/QuantaDiscovery.Tests/Tokenize/data/make-unicode9-normalization-gap.py.
    /// </summary>
    private static readonly (int First, int Last)[] s_newerThanUnicode9 =
    [
        (0x7FD, 0x7FD), (0x898, 0x89F), (0x8CA, 0x8D3), (0x9FE, 0x9FE), (0xC3C, 0xC3C), (0xD3B, 0xD3C),
        (0xEBA, 0xEBA), (0x1715, 0x1715), (0x1ABF, 0x1ACE), (0x1DF6, 0x1DFA), (0xA82C, 0xA82C), (0x10D24, 0x10D27),
        (0x10EAB, 0x10EAC), (0x10EFD, 0x10EFF), (0x10F46, 0x10F50), (0x10F82, 0x10F85), (0x11070, 0x11070), (0x1133B, 0x1133B),
        (0x1145E, 0x1145E), (0x11839, 0x1183A), (0x11930, 0x11930), (0x11935, 0x11935), (0x11938, 0x11938), (0x1193D, 0x1193E),
        (0x11943, 0x11943), (0x119E0, 0x119E0), (0x11A34, 0x11A34), (0x11A47, 0x11A47), (0x11A99, 0x11A99), (0x11D42, 0x11D42),
        (0x11D44, 0x11D45), (0x11D97, 0x11D97), (0x11F41, 0x11F42), (0x16FF0, 0x16FF1), (0x1E08F, 0x1E08F), (0x1E130, 0x1E136),
        (0x1E2AE, 0x1E2AE), (0x1E2EC, 0x1E2EF), (0x1E4EC, 0x1E4EF),
    ];

    /// <summary>UTF-16 units that may start a character to cut out: the BMP ones above, U+FFFE, surrogates.</summary>
    private static readonly SearchValues<char> s_mayBeCutOut = SearchValues.Create(
    [
        .. s_newerThanUnicode9.Where(r => r.Last <= char.MaxValue)
            .SelectMany(r => Enumerable.Range(r.First, r.Last - r.First + 1)).Select(c => (char)c),
        '\uFFFE',
        .. Enumerable.Range(0xD800, 0xE000 - 0xD800).Select(c => (char)c),
    ]);

    public static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text)
    {
        // Text below U+0300 is always in NFC.
        if (text.IndexOfAnyInRange('\u0300', char.MaxValue) < 0) return text;
        if (text.IndexOfAny(s_mayBeCutOut) < 0) return NormalizeWithIcu(text);

        var normalized = new StringBuilder(text.Length);
        var start = 0;
        for (var i = 0; i < text.Length;)
        {
            var status = Rune.DecodeFromUtf16(text[i..], out var rune, out var width);
            if (status != OperationStatus.Done || rune.Value == 0xFFFE || IsNewerThanUnicode9(rune.Value))
            {
                normalized.Append(NormalizeWithIcu(text[start..i])).Append(text.Slice(i, width));
                start = i + width;
            }
            i += width;
        }
        return normalized.Append(NormalizeWithIcu(text[start..])).ToString();
    }

    private static bool IsNewerThanUnicode9(int codePoint)
    {
        var (low, high) = (0, s_newerThanUnicode9.Length - 1);
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var (first, last) = s_newerThanUnicode9[middle];
            if (codePoint < first) high = middle - 1;
            else if (codePoint > last) low = middle + 1;
            else return true;
        }
        return false;
    }

    private static string NormalizeWithIcu(ReadOnlySpan<char> text)
    {
        var s = text.ToString();
        return s.IsNormalized(NormalizationForm.FormC) ? s : s.Normalize(NormalizationForm.FormC);
    }
}
