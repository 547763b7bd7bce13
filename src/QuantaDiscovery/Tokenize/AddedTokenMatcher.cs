using System.Buffers;
using System.Globalization;
using System.Text;

namespace QuantaDiscovery.Tokenize;

/// <summary>A stretch of text: either an added token (TokenId ≥ 0) or plain text to tokenize (TokenId = -1).</summary>
internal readonly record struct TextSegment(int Start, int Length, int TokenId);

/// <summary>
/// Finds added tokens in text with the semantics of Hugging Face tokenizers' <c>AddedVocabulary</c>:
/// leftmost-longest, non-overlapping matches (Aho–Corasick, <c>MatchKind::LeftmostLongest</c>), then
/// per token the <c>single_word</c> filter and the <c>lstrip</c>/<c>rstrip</c> whitespace extensions.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly AddedToken[] _tokens;
    private readonly List<TrieNode> _trie = [new()];
    private readonly SearchValues<char> _firstChars;

    private sealed class TrieNode
    {
        public Dictionary<char, int>? Children;
        public int TokenIndex = -1;
    }

    /// <param name="tokens">The tokens to find.</param>
    /// <param name="patterns">The text each token matches (its content, normalized where it matches normalized text).</param>
    public AddedTokenMatcher(IReadOnlyList<AddedToken> tokens, IReadOnlyList<string> patterns)
    {
        _tokens = [.. tokens];
        for (var t = 0; t < _tokens.Length; t++)
        {
            var node = 0;
            foreach (var c in patterns[t])
            {
                var children = _trie[node].Children ??= [];
                if (!children.TryGetValue(c, out var child))
                {
                    child = _trie.Count;
                    _trie.Add(new TrieNode());
                    children[c] = child;
                }
                node = child;
            }
            // Of two tokens with the same pattern, the first is kept.
            if (node != 0 && _trie[node].TokenIndex < 0) _trie[node].TokenIndex = t;
        }
        _firstChars = SearchValues.Create([.. _trie[0].Children?.Keys ?? Enumerable.Empty<char>()]);
    }

    public bool IsEmpty => _trie[0].Children is null;

    /// <summary>Appends to <paramref name="segments"/> the split of <paramref name="text"/> (offsets relative to it).</summary>
    public void Split(ReadOnlySpan<char> text, List<TextSegment> segments)
    {
        var doneUpTo = 0;
        var searchFrom = 0;
        while (searchFrom < text.Length)
        {
            var candidate = text[searchFrom..].IndexOfAny(_firstChars);
            if (candidate < 0) break;
            var start = searchFrom + candidate;
            var (tokenIndex, stop) = LongestMatchAt(text, start);
            if (tokenIndex < 0)
            {
                searchFrom = start + 1;
                continue;
            }
            searchFrom = stop;

            var token = _tokens[tokenIndex];
            if (token.SingleWord && (IsWordCharBefore(text, start) || IsWordCharAt(text, stop))) continue;
            if (token.LeftStrip)
            {
                var newStart = start;
                while (newStart > 0 && char.IsWhiteSpace(text[newStart - 1])) newStart--;
                start = Math.Max(newStart, doneUpTo);
            }
            if (token.RightStrip)
                while (stop < text.Length && char.IsWhiteSpace(text[stop])) stop++;

            if (doneUpTo < start) segments.Add(new TextSegment(doneUpTo, start - doneUpTo, -1));
            segments.Add(new TextSegment(start, stop - start, token.Id));
            doneUpTo = stop;
        }
        if (doneUpTo < text.Length) segments.Add(new TextSegment(doneUpTo, text.Length - doneUpTo, -1));
    }

    private (int TokenIndex, int Stop) LongestMatchAt(ReadOnlySpan<char> text, int start)
    {
        var best = (TokenIndex: -1, Stop: start);
        var node = _trie[0];
        for (var i = start; i < text.Length; i++)
        {
            if (node.Children is null || !node.Children.TryGetValue(text[i], out var next)) break;
            node = _trie[next];
            if (node.TokenIndex >= 0) best = (node.TokenIndex, i + 1);
        }
        return best;
    }

    /// <summary>
    /// Rust regex <c>\w</c> (UTS #18): Alphabetic (letters, letter numbers, Other_Alphabetic such as the
    /// circled letters), marks, decimal digits, connector punctuation and the joiners U+200C/U+200D.
    /// </summary>
    private static bool IsWordChar(Rune rune) =>
        rune.Value is 0x200C or 0x200D or >= 0x24B6 and <= 0x24E9 or >= 0x1F130 and <= 0x1F149
            or >= 0x1F150 and <= 0x1F169 or >= 0x1F170 and <= 0x1F189
        || Rune.GetUnicodeCategory(rune) is
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation;

    private static bool IsWordCharBefore(ReadOnlySpan<char> text, int index)
    {
        if (index == 0) return false;
        Rune.DecodeLastFromUtf16(text[..index], out var rune, out _);
        return IsWordChar(rune);
    }

    private static bool IsWordCharAt(ReadOnlySpan<char> text, int index)
    {
        if (index >= text.Length) return false;
        Rune.DecodeFromUtf16(text[index..], out var rune, out _);
        return IsWordChar(rune);
    }
}
