namespace QuantaDiscovery.Tokenize;

/// <summary>
/// A token matched whole in the text before BPE runs, as in Hugging Face tokenizers' added vocabulary.
/// </summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">The exact text it stands for.</param>
/// <param name="Special">Special tokens (e.g. <c>&lt;|endoftext|&gt;</c>) are control symbols, not text.</param>
/// <param name="Normalized">True: matched in the normalized text; false: matched in the raw text.</param>
/// <param name="LeftStrip">The match also swallows the whitespace on its left.</param>
/// <param name="RightStrip">The match also swallows the whitespace on its right.</param>
/// <param name="SingleWord">Matched only when no word character touches it on either side.</param>
public sealed record AddedToken(int Id, string Content, bool Special, bool Normalized,
    bool LeftStrip = false, bool RightStrip = false, bool SingleWord = false);
