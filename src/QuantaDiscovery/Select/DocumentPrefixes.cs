using QuantaDiscovery.Common;
using QuantaDiscovery.Corpus;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Select;

/// <summary>
/// The token ids of chosen corpus documents as the loss table saw them: each document re-tokenized (no BOS) and cut
/// to its first <c>context</c> tokens, the convention of <c>quanta losses</c>. A table row (doc, pos, token) is
/// then the prediction of <c>tokens[pos]</c> from <c>tokens[..pos]</c>; x_0 has no row, which is why the
/// documents must be re-read rather than rebuilt from the table.
/// </summary>
public static class DocumentPrefixes
{
    /// <summary>Reads the corpus once, keeping only the documents whose index is in <paramref name="documents"/>.</summary>
    public static async Task<Dictionary<long, int[]>> LoadAsync(string corpusPath, ByteLevelBpeTokenizer tokenizer, int context,
        IReadOnlySet<long> documents, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(context, 2);
        var tokens = new Dictionary<long, int[]>(documents.Count);
        if (documents.Count == 0) return tokens;
        long last = documents.Max();
        await foreach (var document in CorpusReader.ReadAsync(corpusPath, new CorpusReadOptions { MaxDocuments = last + 1 }, null, cancellationToken))
        {
            if (!documents.Contains(document.Index)) continue;
            var ids = tokenizer.Encode(document.Text);
            tokens[document.Index] = ids.Length > context ? ids[..context] : ids;
        }
        var missing = documents.Where(d => !tokens.ContainsKey(d)).Order().Take(1).ToList();
        if (missing.Count > 0)
            throw new InputException($"document {missing[0]} is not in the corpus (it has {tokens.Count} of the needed documents); " +
                "was the table made from another corpus?", corpusPath, documentIndex: missing[0]);
        return tokens;
    }

    /// <summary>
    /// Checks that <c>tokens[pos] == token</c> for a table row; a mismatch means the corpus, tokenizer or context
    /// differ from the ones the table was made with.
    /// </summary>
    public static void Verify(IReadOnlyDictionary<long, int[]> documents, long doc, int pos, int token, string tablePath, string corpusPath)
    {
        var ids = documents[doc];
        if (pos < 1 || pos >= ids.Length)
            throw new InputException($"row (doc {doc}, pos {pos}) is past the document's {ids.Length} tokens in {corpusPath} " +
                "(another corpus, tokenizer or context?)", tablePath, documentIndex: doc);
        if (ids[pos] != token)
            throw new InputException($"row (doc {doc}, pos {pos}) has token {token} but re-tokenizing {corpusPath} gives {ids[pos]} " +
                "(another corpus, tokenizer or context?)", tablePath, documentIndex: doc);
    }
}
