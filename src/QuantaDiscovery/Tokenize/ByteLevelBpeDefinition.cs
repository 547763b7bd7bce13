namespace QuantaDiscovery.Tokenize;

/// <summary>Everything a byte-level BPE tokenizer is made of, as read from or written to a <c>tokenizer.json</c>.</summary>
/// <param name="Vocabulary">Model vocabulary: byte-level token string → id.</param>
/// <param name="Merges">Merge rules in priority order (rank = index).</param>
/// <param name="AddedTokens">Tokens split out of the text before normalization and BPE.</param>
/// <param name="NfcNormalization">Whether text is put in Unicode Normalization Form C first.</param>
/// <param name="AddPrefixSpace">ByteLevel pre-tokenizer: prepend a space to text that does not start with one.</param>
/// <param name="UseRegex">ByteLevel pre-tokenizer: split with GPT-2's regex (else each text is one word).</param>
/// <param name="UnknownToken">BPE <c>unk_token</c>, used for a byte with no symbol in the vocabulary.</param>
/// <param name="FuseUnknown">BPE <c>fuse_unk</c>: consecutive unknowns become one.</param>
/// <param name="IgnoreMerges">BPE <c>ignore_merges</c>: a word found whole in the vocabulary is one token.</param>
internal sealed record ByteLevelBpeDefinition(
    IReadOnlyDictionary<string, int> Vocabulary,
    IReadOnlyList<(string Left, string Right)> Merges,
    IReadOnlyList<AddedToken> AddedTokens,
    bool NfcNormalization,
    bool AddPrefixSpace,
    bool UseRegex,
    string? UnknownToken,
    bool FuseUnknown,
    bool IgnoreMerges);
