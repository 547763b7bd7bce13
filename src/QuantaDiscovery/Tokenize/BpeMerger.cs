namespace QuantaDiscovery.Tokenize;

/// <summary>
/// Applies BPE merge rules to one word exactly as Hugging Face tokenizers' <c>Word::merge_all</c> does
/// (Sennrich et al. 2016, "Neural Machine Translation of Rare Words with Subword Units"): a min-heap of
/// adjacent pairs ordered by (merge rank, position) merges the best pair first; entries made stale by
/// an earlier merge are skipped when popped. O(n log n) in the word length.
/// </summary>
internal sealed class BpeMerger
{
    private readonly record struct MergeRule(int Rank, int MergedId);

    private readonly Dictionary<long, MergeRule> _rules;

    /// <param name="merges">(left id, right id, merged id) in priority order.</param>
    public BpeMerger(IReadOnlyList<(int Left, int Right, int Merged)> merges)
    {
        _rules = new Dictionary<long, MergeRule>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
            _rules[PairKey(merges[rank].Left, merges[rank].Right)] = new MergeRule(rank, merges[rank].Merged); // the last duplicate wins, as in HF
    }

    /// <summary>Per-thread working memory, reused from word to word.</summary>
    public sealed class Scratch
    {
        internal int[] Ids = new int[64];
        internal int[] Previous = new int[64];
        internal int[] Next = new int[64];
        internal readonly PriorityQueue<(int Position, int MergedId), long> Queue = new();

        internal void EnsureCapacity(int length)
        {
            if (Ids.Length >= length) return;
            var capacity = Math.Max(length, Ids.Length * 2);
            Ids = new int[capacity];
            Previous = new int[capacity];
            Next = new int[capacity];
        }
    }

    /// <summary>Merges <paramref name="symbols"/> in place; returns how many symbols remain at its start.</summary>
    public int Merge(Span<int> symbols, Scratch scratch)
    {
        var n = symbols.Length;
        if (n < 2) return n;
        scratch.EnsureCapacity(n);
        var ids = scratch.Ids;
        var previous = scratch.Previous;
        var next = scratch.Next;
        var queue = scratch.Queue;
        queue.Clear();

        for (var i = 0; i < n; i++)
        {
            ids[i] = symbols[i];
            previous[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        for (var i = 0; i + 1 < n; i++) Enqueue(queue, i, ids[i], ids[i + 1]);

        while (queue.TryDequeue(out var top, out _))
        {
            var position = top.Position;
            var right = next[position];
            // A merged-away symbol is marked by ids = -1; a stale entry no longer names the pair at its position.
            if (ids[position] < 0 || right < 0) continue;
            if (!_rules.TryGetValue(PairKey(ids[position], ids[right]), out var rule) || rule.MergedId != top.MergedId) continue;

            ids[position] = rule.MergedId;
            ids[right] = -1;
            var afterRight = next[right];
            next[position] = afterRight;
            if (afterRight >= 0) previous[afterRight] = position;

            if (previous[position] >= 0) Enqueue(queue, previous[position], ids[previous[position]], ids[position]);
            if (afterRight >= 0) Enqueue(queue, position, ids[position], ids[afterRight]);
        }

        var count = 0;
        for (var i = 0; i >= 0; i = next[i]) symbols[count++] = ids[i];
        return count;
    }

    private void Enqueue(PriorityQueue<(int, int), long> queue, int position, int left, int right)
    {
        if (_rules.TryGetValue(PairKey(left, right), out var rule))
            queue.Enqueue((position, rule.MergedId), ((long)rule.Rank << 32) | (uint)position);
    }

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;
}
