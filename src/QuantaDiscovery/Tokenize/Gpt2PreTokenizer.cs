using System.Globalization;
using System.Text;

namespace QuantaDiscovery.Tokenize;

/// <summary>
/// Splits text into the pieces GPT-2's pre-tokenization regex matches (Radford et al. 2019; the
/// pattern Hugging Face's ByteLevel pre-tokenizer uses when <c>use_regex</c> is true):
/// <code>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</code>
/// Written as a hand scanner rather than a <see cref="System.Text.RegularExpressions.Regex"/>, for
/// speed; it reproduces the regex's leftmost-alternative semantics, including the lookahead that
/// leaves the last space of a run to prefix the following word.
/// </summary>
internal static class Gpt2PreTokenizer
{
    private enum CharClass : byte { Other, Letter, Number, Whitespace }

    private static readonly CharClass[] s_bmpClass = BuildBmpClasses();

    /// <summary>The length in chars of the piece the regex matches at the start of non-empty <paramref name="text"/>.</summary>
    public static int NextPieceLength(ReadOnlySpan<char> text)
    {
        var first = text[0];
        if (first == '\'' && text.Length > 1)
        {
            var contraction = ContractionLength(text);
            if (contraction > 0) return contraction;
        }

        var start = first == ' ' && text.Length > 1 ? 1 : 0;
        var cls = ClassAt(text, start, out var width);
        if (cls != CharClass.Whitespace)
        {
            var end = start + width;
            while (end < text.Length && ClassAt(text, end, out width) == cls) end += width;
            return end;
        }

        // \s+(?!\S) then \s+: a whitespace run followed by a non-space gives up its last char.
        var run = 1;
        while (run < text.Length && IsWhitespace(text[run])) run++;
        if (run == text.Length || run == 1) return run;
        return run - 1;
    }

    private static int ContractionLength(ReadOnlySpan<char> text)
    {
        switch (text[1])
        {
            case 's' or 't' or 'm' or 'd':
                return 2;
            case 'r' or 'v' when text.Length > 2 && text[2] == 'e':
            case 'l' when text.Length > 2 && text[2] == 'l':
                return 3;
            default:
                return 0;
        }
    }

    private static bool IsWhitespace(char c) => s_bmpClass[c] == CharClass.Whitespace;

    private static CharClass ClassAt(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        if (!char.IsSurrogate(c))
        {
            width = 1;
            return s_bmpClass[c];
        }
        // A lone surrogate is encoded as U+FFFD (a symbol), so it classes as Other.
        Rune.DecodeFromUtf16(text[index..], out var rune, out width);
        return Classify(Rune.GetUnicodeCategory(rune), isWhitespace: false);
    }

    private static CharClass Classify(UnicodeCategory category, bool isWhitespace) => category switch
    {
        _ when isWhitespace => CharClass.Whitespace,
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            => CharClass.Number,
        _ => CharClass.Other,
    };

    private static CharClass[] BuildBmpClasses()
    {
        var classes = new CharClass[char.MaxValue + 1];
        for (var c = 0; c <= char.MaxValue; c++)
            classes[c] = Classify(char.GetUnicodeCategory((char)c), char.IsWhiteSpace((char)c));
        return classes;
    }
}
