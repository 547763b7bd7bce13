using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Tokenize;

/// <summary>
/// A byte-level BPE tokenizer (GPT-2 family: GPT-NeoX-20B / Pythia, GPT-2, RoBERTa-style vocabularies)
/// loaded from a Hugging Face <c>tokenizer.json</c>, giving the same ids as Hugging Face tokenizers'
/// <c>encode(text, add_special_tokens=False)</c>.
/// </summary>
/// <remarks>
/// <para>Pipeline, in Hugging Face's order: (1) added tokens with <c>normalized: false</c> are split out of
/// the raw text (leftmost-longest); (2) the remaining pieces are NFC-normalized and added tokens with
/// <c>normalized: true</c> are split out of them; (3) each remaining piece is cut into words with GPT-2's
/// regex; (4) each word's UTF-8 bytes become byte symbols that the BPE merges combine
/// (Sennrich et al. 2016; Radford et al. 2019). Hence the GPT-NeoX-20B behaviours: <c>&lt;|endoftext|&gt;</c>
/// typed in the text is id 0; runs of 2–24 spaces are single added tokens, so the word after them has no
/// leading 'Ġ'; digit runs are not split.</para>
/// <para>Microsoft.ML.Tokenizers 2.0.1 is not used at run time. Its <c>BpeTokenizer</c> (byte-level
/// options, GPT-2 regex, <c>&lt;|endoftext|&gt;</c> as special token) reproduced 93 of the 150 Hugging Face
/// reference cases for GPT-NeoX-20B: it has no equivalent of Hugging Face's added vocabulary (normalized,
/// non-special tokens such as the space runs; lstrip/rstrip/single_word), and in a rough timing it ran
/// over 10× slower than this class. So the whole pipeline is implemented here; the package's
/// <c>BpeTokenizer</c> serves the tests as an independent second implementation of the BPE merges.</para>
/// <para>NFC follows Hugging Face's Unicode 9.0 tables (see <see cref="HuggingFaceNfc"/>), and a lone
/// UTF-16 surrogate (which a Rust string cannot hold) is encoded as U+FFFD. Known residual difference:
/// a combining mark assigned after Unicode 15.0, on a machine whose ICU knows it, is normalized by ICU
/// but not by Hugging Face.</para>
/// <para>Thread-safe: every thread gets its own word cache and working buffers.</para>
/// </remarks>
public sealed class ByteLevelBpeTokenizer
{
    /// <summary>Words at most this long are cached (longer ones are rare and would bloat the cache).</summary>
    private const int MaxCachedWordLength = 64;

    /// <summary>Per-thread cache bound; the cache is emptied when it fills.</summary>
    private const int MaxCachedWords = 1 << 17;

    private readonly ByteLevelBpeDefinition _definition;
    private readonly BpeMerger _merger;
    private readonly int[] _symbolOfByte = new int[256];
    private readonly int _unknownId;
    private readonly AddedTokenMatcher _rawTokens;
    private readonly AddedTokenMatcher _normalizedTokens;
    private readonly string?[] _tokenText;
    private readonly byte[]?[] _tokenBytes;
    private readonly ThreadLocal<EncoderState> _state;

    private ByteLevelBpeTokenizer(ByteLevelBpeDefinition definition)
    {
        _definition = definition;
        var vocabulary = definition.Vocabulary;

        VocabularySize = Math.Max(
            vocabulary.Count == 0 ? 0 : vocabulary.Values.Max() + 1,
            definition.AddedTokens.Count == 0 ? 0 : definition.AddedTokens.Max(t => t.Id) + 1);
        _tokenText = new string?[VocabularySize];
        foreach (var (token, id) in vocabulary) _tokenText[id] = token;
        foreach (var token in definition.AddedTokens) _tokenText[token.Id] = token.Content;
        _tokenBytes = [.. _tokenText.Select(text => text is null ? null : ByteLevelAlphabet.BytesOfToken(text))];

        for (var b = 0; b < 256; b++)
            _symbolOfByte[b] = vocabulary.TryGetValue(ByteLevelAlphabet.CharOfByte[b].ToString(), out var id) ? id : -1;
        _unknownId = definition.UnknownToken is { } unknown ? vocabulary[unknown] : -1;
        _merger = new BpeMerger([.. definition.Merges.Select(m =>
            (vocabulary[m.Left], vocabulary[m.Right], vocabulary[m.Left + m.Right]))]);

        AddedTokens = [.. definition.AddedTokens.OrderBy(t => t.Id)];
        var raw = definition.AddedTokens.Where(t => !t.Normalized).ToList();
        var normalized = definition.AddedTokens.Where(t => t.Normalized).ToList();
        _rawTokens = new AddedTokenMatcher(raw, [.. raw.Select(t => t.Content)]);
        _normalizedTokens = new AddedTokenMatcher(normalized, [.. normalized.Select(t => Normalize(t.Content))]);
        _state = new ThreadLocal<EncoderState>(() => new EncoderState());
    }

    /// <summary>Loads a Hugging Face <c>tokenizer.json</c> holding a byte-level BPE tokenizer.</summary>
    /// <exception cref="Common.InputException">The file is unreadable, malformed, or uses a component this class does not implement (the message names the file and the JSON path).</exception>
    public static ByteLevelBpeTokenizer Load(string tokenizerJsonPath)
    {
        var definition = TokenizerJson.Read(tokenizerJsonPath);
        if (definition.NfcNormalization) RequireWorkingNormalization();
        return new ByteLevelBpeTokenizer(definition);
    }

    /// <summary>Highest token id + 1, counting added tokens (50,277 for GPT-NeoX-20B).</summary>
    public int VocabularySize { get; }

    /// <summary>Number of BPE merge rules.</summary>
    public int MergeCount => _definition.Merges.Count;

    /// <summary>The added tokens (special or not), by ascending id.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>
    /// The token's string as stored in the tokenizer (byte-level alphabet, e.g. "Ġthe"; added tokens
    /// verbatim), or null for an id that names no token.
    /// </summary>
    public string? TokenText(int id) => (uint)id < (uint)_tokenText.Length ? _tokenText[id] : null;

    /// <summary>The id of a token string (as <see cref="TokenText"/> writes it), or null.</summary>
    public int? TokenId(string tokenText)
    {
        foreach (var token in _definition.AddedTokens)
            if (token.Content == tokenText) return token.Id;
        return _definition.Vocabulary.TryGetValue(tokenText, out var id) ? id : null;
    }

    /// <summary>Token ids of <paramref name="text"/>; no special tokens are added (no BOS/EOS).</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var state = _state.Value!;
        state.Output.Clear();
        EncodeInto(text, state);
        return [.. state.Output];
    }

    /// <summary>
    /// <see cref="Encode"/> for every text, spread over up to <paramref name="maxDegreeOfParallelism"/>
    /// threads (-1: all cores). Result i belongs to text i.
    /// </summary>
    public int[][] EncodeBatch(IReadOnlyList<string> texts, int maxDegreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (maxDegreeOfParallelism is 0 or < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "must be positive or -1");
        var results = new int[texts.Count][];
        if (maxDegreeOfParallelism == 1)
        {
            for (var i = 0; i < texts.Count; i++) results[i] = Encode(texts[i]);
            return results;
        }
        Parallel.ForEach(Partitioner.Create(0, texts.Count, Math.Max(1, texts.Count / (8 * Environment.ProcessorCount))),
            new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
            range =>
            {
                for (var i = range.Item1; i < range.Item2; i++) results[i] = Encode(texts[i]);
            });
        return results;
    }

    /// <summary>
    /// Text of token ids, as Hugging Face's <c>decode(ids, skip_special_tokens=False)</c> with the
    /// ByteLevel decoder: the tokens' bytes joined, then read as UTF-8 with invalid sequences replaced by
    /// U+FFFD. Ids that name no token are skipped, as Hugging Face does.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var length = 0;
        foreach (var id in ids) length += TokenBytes(id).Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = 0;
            foreach (var id in ids)
            {
                var bytes = TokenBytes(id);
                bytes.CopyTo(buffer.AsSpan(written));
                written += bytes.Length;
            }
            return Encoding.UTF8.GetString(buffer, 0, written);
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>
    /// A smaller tokenizer made of the first <paramref name="keepMerges"/> merges: it keeps the byte
    /// symbols, the tokens those merges make, the added tokens and the unk token, numbered 0, 1, ... in
    /// their original id order (so GPT-NeoX-20B keeps <c>&lt;|endoftext|&gt;</c> = 0 and its byte symbols,
    /// merge tokens follow in merge order, and its space-run tokens come last). The same pipeline
    /// (normalizer, pre-tokenizer, added-token matching) applies.
    /// </summary>
    public ByteLevelBpeTokenizer Truncate(int keepMerges)
    {
        if (keepMerges < 0 || keepMerges > MergeCount)
            throw InputException.Invalid("merges", keepMerges, $"this tokenizer has {MergeCount} merges; keep between 0 and {MergeCount}");
        var vocabulary = _definition.Vocabulary;
        var merges = _definition.Merges.Take(keepMerges).ToList();

        var kept = new HashSet<int>(_definition.AddedTokens.Select(t => t.Id));
        foreach (var (token, id) in vocabulary)
            if (token.Length == 1 && ByteLevelAlphabet.ByteOf(token[0]) >= 0) kept.Add(id);
        if (_unknownId >= 0) kept.Add(_unknownId);
        foreach (var (left, right) in merges)
        {
            if (!kept.Contains(vocabulary[left]) || !kept.Contains(vocabulary[right]))
                throw new InvalidOperationException(
                    $"Merge \"{left} {right}\" uses a token made by no earlier merge; this tokenizer cannot be truncated.");
            kept.Add(vocabulary[left + right]);
        }

        var newId = kept.Order().Select((oldId, index) => (oldId, index)).ToDictionary(p => p.oldId, p => p.index);
        var truncated = _definition with
        {
            Vocabulary = vocabulary.Where(entry => kept.Contains(entry.Value))
                .ToDictionary(entry => entry.Key, entry => newId[entry.Value], StringComparer.Ordinal),
            Merges = merges,
            AddedTokens = [.. _definition.AddedTokens.Select(t => t with { Id = newId[t.Id] })],
        };
        return new ByteLevelBpeTokenizer(truncated);
    }

    /// <summary>Writes this tokenizer as a Hugging Face <c>tokenizer.json</c> (readable by <see cref="Load"/> and by Hugging Face tokenizers).</summary>
    public void Save(string path) => TokenizerJson.Write(_definition, path);

    private ReadOnlySpan<byte> TokenBytes(int id) =>
        (uint)id < (uint)_tokenBytes.Length && _tokenBytes[id] is { } bytes ? bytes : [];

    private sealed class EncoderState
    {
        public readonly List<int> Output = new(1024);
        public readonly Dictionary<string, int[]> Cache = new(StringComparer.Ordinal);
        public readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> CacheLookup;
        public readonly List<TextSegment> RawSegments = [];
        public readonly List<TextSegment> NormalizedSegments = [];
        public readonly BpeMerger.Scratch MergeScratch = new();
        public byte[] Utf8 = new byte[256];
        public int[] Symbols = new int[256];
        public char[] Prefixed = new char[256];

        public EncoderState() => CacheLookup = Cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private void EncodeInto(string text, EncoderState state)
    {
        if (_rawTokens.IsEmpty)
        {
            EncodeRawPiece(text, state);
            return;
        }
        state.RawSegments.Clear();
        _rawTokens.Split(text, state.RawSegments);
        foreach (var segment in state.RawSegments)
        {
            if (segment.TokenId >= 0) state.Output.Add(segment.TokenId);
            else EncodeRawPiece(text.AsSpan(segment.Start, segment.Length), state);
        }
    }

    private void EncodeRawPiece(ReadOnlySpan<char> piece, EncoderState state)
    {
        var normalized = _definition.NfcNormalization ? HuggingFaceNfc.Normalize(piece) : piece;
        if (_normalizedTokens.IsEmpty)
        {
            EncodePlainText(normalized, state);
            return;
        }
        var segments = state.NormalizedSegments;
        segments.Clear();
        _normalizedTokens.Split(normalized, segments);
        foreach (var segment in segments)
        {
            if (segment.TokenId >= 0) state.Output.Add(segment.TokenId);
            else EncodePlainText(normalized.Slice(segment.Start, segment.Length), state);
        }
    }

    private void EncodePlainText(ReadOnlySpan<char> text, EncoderState state)
    {
        if (text.IsEmpty) return;
        if (_definition.AddPrefixSpace && text[0] != ' ')
        {
            if (state.Prefixed.Length < text.Length + 1) state.Prefixed = new char[Math.Max(text.Length + 1, 2 * state.Prefixed.Length)];
            state.Prefixed[0] = ' ';
            text.CopyTo(state.Prefixed.AsSpan(1));
            text = state.Prefixed.AsSpan(0, text.Length + 1);
        }
        if (!_definition.UseRegex)
        {
            EncodeWord(text, state);
            return;
        }
        while (!text.IsEmpty)
        {
            var length = Gpt2PreTokenizer.NextPieceLength(text);
            EncodeWord(text[..length], state);
            text = text[length..];
        }
    }

    private void EncodeWord(ReadOnlySpan<char> word, EncoderState state)
    {
        if (state.CacheLookup.TryGetValue(word, out var cached))
        {
            state.Output.AddRange(cached.AsSpan());
            return;
        }
        var ids = TokenizeWord(word, state);
        if (word.Length <= MaxCachedWordLength)
        {
            if (state.Cache.Count >= MaxCachedWords) state.Cache.Clear();
            state.CacheLookup[word] = ids;
        }
        state.Output.AddRange(ids.AsSpan());
    }

    private int[] TokenizeWord(ReadOnlySpan<char> word, EncoderState state)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(word.Length);
        if (state.Utf8.Length < maxBytes) state.Utf8 = new byte[maxBytes];
        if (state.Symbols.Length < maxBytes) state.Symbols = new int[maxBytes];
        var bytes = state.Utf8.AsSpan(0, Encoding.UTF8.GetBytes(word, state.Utf8));

        if (_definition.IgnoreMerges && _definition.Vocabulary.TryGetValue(ByteLevelAlphabet.TokenOfBytes(bytes), out var whole))
            return [whole];

        var symbols = state.Symbols.AsSpan();
        var count = 0;
        foreach (var b in bytes)
        {
            var id = _symbolOfByte[b];
            if (id >= 0) symbols[count++] = id;
            else if (_unknownId >= 0 && !(_definition.FuseUnknown && count > 0 && symbols[count - 1] == _unknownId))
                symbols[count++] = _unknownId;
            // Without an unk_token Hugging Face drops the byte; valid UTF-8 never contains the bytes
            // (0xC0, 0xC1, 0xF5–0xFF) that GPT-NeoX-20B's vocabulary lacks.
        }
        count = _merger.Merge(symbols[..count], state.MergeScratch);
        return symbols[..count].ToArray();
    }

    private string Normalize(string text) => _definition.NfcNormalization ? HuggingFaceNfc.Normalize(text).ToString() : text;

    /// <summary>
    /// With <c>InvariantGlobalization</c> .NET's string normalization silently does nothing, which would
    /// give wrong ids for text not in NFC. Refuse to run instead.
    /// </summary>
    private static void RequireWorkingNormalization()
    {
        if ("e\u0301".Normalize(NormalizationForm.FormC) != "\u00e9")
            throw new InvalidOperationException(
                "This tokenizer normalizes text to NFC, but Unicode normalization is unavailable in this process " +
                "(it runs with InvariantGlobalization). Set <InvariantGlobalization>false</InvariantGlobalization> " +
                "in the application's project file (ICU must be installed).");
    }
}
