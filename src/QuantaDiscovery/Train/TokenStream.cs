using System.Security.Cryptography;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Corpus;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Train;

/// <summary>
/// A corpus tokenized once into one stream, documents joined by the end-of-text token, as GPT-NeoX's data
/// pipeline prepares the Pile for Pythia. Cached as tokens.npy (int32) beside tokens.json, which records the
/// corpus and tokenizer it came from so that a stale cache is rebuilt rather than reused.
/// </summary>
public sealed class TokenStream
{
    public const string EndOfTextToken = "<|endoftext|>";
    public const string CacheFileName = "tokens.npy";
    public const string CacheInfoFileName = "tokens.json";

    public int[] Tokens { get; }
    public int EndOfTextId { get; }
    public int Documents { get; }

    private TokenStream(int[] tokens, int endOfTextId, int documents)
    {
        Tokens = tokens;
        EndOfTextId = endOfTextId;
        Documents = documents;
    }

    /// <summary>Tokenizes every document of <paramref name="corpusPath"/>, each followed by &lt;|endoftext|&gt;.</summary>
    public static async Task<TokenStream> BuildAsync(string corpusPath, ByteLevelBpeTokenizer tokenizer, int threads = -1, string? tokenizerPath = null)
    {
        int endOfText = tokenizer.TokenId(EndOfTextToken)
            ?? throw new InputException($"the tokenizer has no {EndOfTextToken} token to separate documents", tokenizerPath);
        var tokens = new List<int>();
        int documents = 0;
        var chunk = new List<string>(512);
        void Encode()
        {
            foreach (var ids in tokenizer.EncodeBatch(chunk, threads))
            {
                tokens.AddRange(ids);
                tokens.Add(endOfText);
            }
            documents += chunk.Count;
            chunk.Clear();
        }
        await foreach (var document in CorpusReader.ReadAsync(corpusPath))
        {
            chunk.Add(document.Text);
            if (chunk.Count == 512) Encode();
        }
        Encode();
        if (documents == 0)
            throw new InputException("the corpus has no documents", corpusPath);
        return new TokenStream([.. tokens], endOfText, documents);
    }

    /// <summary>
    /// The stream cached in <paramref name="cacheDirectory"/> when it was made from the same corpus and tokenizer
    /// (compared by SHA-256), otherwise <see cref="BuildAsync"/> and write the cache.
    /// </summary>
    public static async Task<TokenStream> LoadOrBuildAsync(string corpusPath, string tokenizerPath, string cacheDirectory, int threads = -1)
    {
        if (!File.Exists(corpusPath)) throw new InputException("corpus not found", corpusPath);
        if (!File.Exists(tokenizerPath)) throw new InputException("tokenizer not found", tokenizerPath);
        var info = new CacheInfo(Path.GetFullPath(corpusPath), Sha256(corpusPath), Sha256(tokenizerPath), 0, 0);
        var cachePath = Path.Combine(cacheDirectory, CacheFileName);
        var infoPath = Path.Combine(cacheDirectory, CacheInfoFileName);
        if (File.Exists(cachePath) && File.Exists(infoPath)
            && JsonSerializer.Deserialize<CacheInfo>(File.ReadAllText(infoPath)) is { } cached
            && cached.CorpusSha256 == info.CorpusSha256 && cached.TokenizerSha256 == info.TokenizerSha256)
            return new TokenStream(Npy.Read<int>(cachePath).Data, cached.EndOfTextId, cached.Documents);

        var tokenizer = ByteLevelBpeTokenizer.Load(tokenizerPath);
        var stream = await BuildAsync(corpusPath, tokenizer, threads, tokenizerPath);
        Directory.CreateDirectory(cacheDirectory);
        PublishedFile.Write(cachePath, temporary => Npy.Write<int>(temporary, stream.Tokens, stream.Tokens.Length));
        File.WriteAllText(infoPath, JsonSerializer.Serialize(info with { EndOfTextId = stream.EndOfTextId, Documents = stream.Documents },
            new JsonSerializerOptions { WriteIndented = true }));
        return stream;
    }

    /// <summary>Wraps tokens already in memory (tests, callers with their own tokenization).</summary>
    public static TokenStream FromTokens(int[] tokens, int endOfTextId, int documents) => new(tokens, endOfTextId, documents);

    private static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    private sealed record CacheInfo(string Corpus, string CorpusSha256, string TokenizerSha256, int EndOfTextId, int Documents);
}

/// <summary>
/// The stream cut into consecutive sequences of context + 1 tokens (inputs and their next-token targets,
/// Pythia's 2049-token samples), visited in one order shuffled by a fixed seed: the batch of step s is
/// sequences order[s·B … s·B + B − 1] (wrapping around for a further epoch in the same order). The order
/// depends only on the stream, the context and the seed, so every model size of a suite sees the same tokens.
/// </summary>
public sealed class SequenceBatches
{
    private readonly int[] _tokens;
    private readonly int[] _order;

    public int Context { get; }
    public int BatchSize { get; }
    public int SequenceCount => _order.Length;
    public long TokensPerStep => (long)BatchSize * Context;

    public SequenceBatches(TokenStream stream, int context, int batchSize, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(context, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Context = context;
        BatchSize = batchSize;
        _tokens = stream.Tokens;
        int count = _tokens.Length / (context + 1);
        if (count < 1)
            throw new InputException($"the token stream has {_tokens.Length} tokens, fewer than one sequence of {context + 1}");
        _order = [.. Enumerable.Range(0, count)];
        new Random(seed).Shuffle(_order);
    }

    /// <summary>Token ids of step <paramref name="step"/>'s batch, row-major [batch, context + 1].</summary>
    public long[] Batch(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        int length = Context + 1;
        var batch = new long[BatchSize * length];
        for (int row = 0; row < BatchSize; row++)
        {
            int sequence = _order[(int)(((long)step * BatchSize + row) % _order.Length)];
            var source = _tokens.AsSpan(sequence * length, length);
            for (int j = 0; j < length; j++) batch[row * length + j] = source[j];
        }
        return batch;
    }
}
