using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Tables;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Select;

/// <summary>Settings of <see cref="TokenSelection.RunAsync"/>; defaults are the paper's (Michaud et al. 2023, §5).</summary>
public sealed record TokenSelectionOptions
{
    /// <summary>Candidates are tokens whose loss is strictly below this many nats (the paper: 0.1 under the smallest model).</summary>
    public float MaxLoss { get; init; } = 0.1f;

    /// <summary>Tokens chosen at most (the paper: 10,000).</summary>
    public int Samples { get; init; } = 10_000;

    /// <summary>Every <see cref="Stride"/>-th candidate in table order is taken (the paper: 50).</summary>
    public int Stride { get; init; } = 50;

    /// <summary>Drop tokens whose trigram occurred earlier in the document (see <see cref="InductionFilter"/>).</summary>
    public bool InductionFilter { get; init; } = true;

    /// <summary>Instead of the stride, a uniform sample without replacement, seeded by <see cref="Seed"/>.</summary>
    public bool Uniform { get; init; }

    public int Seed { get; init; }

    /// <summary>The context the loss table was made with: documents are cut to their first this many tokens.</summary>
    public int Context { get; init; } = 1024;

    /// <summary>The loss column to threshold; null: the table's only loss column.</summary>
    public string? LossColumn { get; init; }

    /// <summary>
    /// At most this share of the chosen tokens from one corpus set (the table's set column): a set above it keeps an
    /// evenly spaced subset of its chosen tokens. Null: no cap (the paper's rule, on the Pile, where no set dominates).
    /// </summary>
    public double? MaxSetShare { get; init; }

    /// <summary>Tokens before the target shown in the context column.</summary>
    public int ContextTokensShown { get; init; } = 100;

    public void Validate()
    {
        if (!(MaxLoss > 0) || float.IsNaN(MaxLoss)) throw InputException.Invalid(nameof(MaxLoss), MaxLoss, "must be positive");
        if (Samples < 1) throw InputException.Invalid(nameof(Samples), Samples, "must be at least 1");
        if (Stride < 1) throw InputException.Invalid(nameof(Stride), Stride, "must be at least 1");
        if (MaxSetShare is { } cap && !(cap > 0 && cap <= 1)) throw InputException.Invalid(nameof(MaxSetShare), cap, "must lie in (0, 1]");
        if (Context < 2) throw InputException.Invalid(nameof(Context), Context, "must be at least 2");
        if (ContextTokensShown < 0) throw InputException.Invalid(nameof(ContextTokensShown), ContextTokensShown, "must not be negative");
    }
}

/// <summary>Counts of a selection, as written to selection.json.</summary>
/// <param name="Candidates">rows with loss below the threshold</param>
/// <param name="InductionRemoved">candidates dropped as induction tokens</param>
/// <param name="Chosen">rows of samples.parquet</param>
public sealed record TokenSelectionResult(string SamplesPath, string SettingsPath, long TableRows, long Candidates,
    long InductionRemoved, int Chosen, IReadOnlyList<TokenSample> Samples)
{
    /// <summary>Per corpus set, when the loss table names them: scored tokens, candidates and chosen tokens.</summary>
    public IReadOnlyList<SetShare> SetShares { get; init; } = [];
}

/// <summary>
/// One corpus set (pile_set_name) in a selection: how many of its tokens were scored, fell below the loss threshold
/// outside induction patterns, and were chosen; with the shares of each total, so a reader sees whether one set
/// dominates the selection more than it does the corpus.
/// </summary>
public sealed record SetShare(string Set, long Scored, long Candidates, int Chosen, double ScoredShare, double ChosenShare)
{
    public const string FileName = "set_shares.csv";

    public static IReadOnlyList<SetShare> Count(string?[] setOfRow, IEnumerable<int> candidateRows, IEnumerable<int> chosenRows)
    {
        var scored = setOfRow.GroupBy(s => s ?? "").ToDictionary(g => g.Key, g => (long)g.Count());
        var candidates = candidateRows.GroupBy(r => setOfRow[r] ?? "").ToDictionary(g => g.Key, g => (long)g.Count());
        var chosen = chosenRows.GroupBy(r => setOfRow[r] ?? "").ToDictionary(g => g.Key, g => g.Count());
        double scoredTotal = Math.Max(1, setOfRow.Length), chosenTotal = Math.Max(1, chosen.Values.Sum());
        return [.. scored.Keys.Order(StringComparer.Ordinal).Select(set => new SetShare(set, scored[set], candidates.GetValueOrDefault(set),
            chosen.GetValueOrDefault(set), scored[set] / scoredTotal, chosen.GetValueOrDefault(set) / chosenTotal))];
    }

    public static void Write(string path, IReadOnlyList<SetShare> shares) =>
        File.WriteAllLines(path, ["set,scored_tokens,candidates,chosen,scored_share,chosen_share",
            .. shares.Select(s => string.Create(CultureInfo.InvariantCulture,
                $"\"{s.Set.Replace("\"", "\"\"")}\",{s.Scored},{s.Candidates},{s.Chosen},{s.ScoredShare:R},{s.ChosenShare:R}"))]);

    /// <summary>Reads set_shares.csv from <paramref name="folder"/>; empty when there is none.</summary>
    public static IReadOnlyList<SetShare> Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return [];
        return [.. File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select((line, i) =>
        {
            int close = line.LastIndexOf('"');
            var fields = line[(close + 2)..].Split(',');
            if (!line.StartsWith('"') || close < 1 || fields.Length != 5)
                throw new InputException("expected \"set\",scored_tokens,candidates,chosen,scored_share,chosen_share", path, line: i + 2);
            return new SetShare(line[1..close].Replace("\"\"", "\""), long.Parse(fields[0], CultureInfo.InvariantCulture),
                long.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture),
                double.Parse(fields[3], CultureInfo.InvariantCulture), double.Parse(fields[4], CultureInfo.InvariantCulture));
        })];
    }
}

/// <summary>
/// Chooses the tokens whose gradients are clustered (Michaud et al. 2023, §5): low-loss tokens of a model, minus
/// induction tokens, then every s-th of them up to N (or a seeded uniform sample), each recorded with its decoded
/// context and target.
/// </summary>
public static class TokenSelection
{
    public const string SettingsFileName = "selection.json";

    public static async Task<TokenSelectionResult> RunAsync(string lossesPath, string corpusPath, string modelDirectory, string outputDirectory,
        TokenSelectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TokenSelectionOptions();
        options.Validate();
        var folder = ModelFolder.Open(modelDirectory);
        var tokenizer = ByteLevelBpeTokenizer.Load(folder.TokenizerPath);
        var table = await TokenTable.ReadAsync(lossesPath, cancellationToken);
        var lossColumn = options.LossColumn ?? (table.LossColumns.Count == 1 ? table.LossColumns[0]
            : throw new InputException($"the table has several loss columns ({string.Join(", ", table.LossColumns)}); choose one", lossesPath));
        var loss = table.Loss(lossColumn);

        var candidates = Enumerable.Range(0, table.RowCount).Where(r => loss[r] < options.MaxLoss).ToList();
        var documents = await DocumentPrefixes.LoadAsync(corpusPath, tokenizer, options.Context,
            candidates.Select(r => table.Doc[r]).ToHashSet(), cancellationToken);
        for (int r = 0; r < table.RowCount; r++)
            if (documents.ContainsKey(table.Doc[r]))
                DocumentPrefixes.Verify(documents, table.Doc[r], table.Pos[r], table.Token[r], lossesPath, corpusPath);

        long inductionRemoved = 0;
        if (options.InductionFilter)
        {
            var induction = documents.ToDictionary(d => d.Key, d => InductionFilter.InductionPositions(d.Value));
            int before = candidates.Count;
            candidates = candidates.Where(r => !induction[table.Doc[r]][table.Pos[r]]).ToList();
            inductionRemoved = before - candidates.Count;
        }

        IReadOnlyList<int> chosen;
        if (options.MaxSetShare is { } maxSetShare)
        {
            // stride (or every candidate, for a uniform sample), then the cap, then at most Samples
            var capped = CapSetShare(Choose(candidates, options with { Samples = int.MaxValue }), table.Set ?? throw new InputException(
                "a cap on one set's share needs the loss table's set column (score a corpus with pile_set_name)", lossesPath), maxSetShare);
            chosen = options.Uniform ? Choose(capped, options) : [.. capped.Take(options.Samples)];
        }
        else chosen = Choose(candidates, options);
        var setShares = table.Set is { } setOfRow ? SetShare.Count(setOfRow, candidates, chosen) : [];
        var samples = chosen.Select((r, i) =>
        {
            var ids = documents[table.Doc[r]];
            int pos = table.Pos[r], start = Math.Max(0, pos - options.ContextTokensShown);
            return new TokenSample(i, table.Doc[r], pos, table.Token[r], loss[r], table.Set?[r],
                tokenizer.Decode(ids.AsSpan(start, pos - start)), tokenizer.Decode([ids[pos]]));
        }).ToList();
        if (samples.Count == 0)
            throw new InputException($"no token selected: none of the {table.RowCount:N0} tokens of column '{lossColumn}' has loss below " +
                $"{options.MaxLoss.ToString(CultureInfo.InvariantCulture)} nats{(options.InductionFilter && inductionRemoved > 0 ? $" outside induction patterns ({inductionRemoved:N0} removed)" : "")}; raise the loss threshold", lossesPath);

        Directory.CreateDirectory(outputDirectory);
        var samplesPath = Path.Combine(outputDirectory, SampleTable.FileName);
        await SampleTable.WriteAsync(samplesPath, samples, table.Set is not null);
        if (setShares.Count > 0) SetShare.Write(Path.Combine(outputDirectory, SetShare.FileName), setShares);
        var settingsPath = Path.Combine(outputDirectory, SettingsFileName);
        var settings = new SelectionSettings(RecordedPath.Of(lossesPath, outputDirectory), lossColumn, RecordedPath.Of(corpusPath, outputDirectory),
            RecordedPath.Of(folder.Directory, outputDirectory),
            options.MaxLoss, options.InductionFilter, options.Uniform ? "uniform" : "stride", options.Uniform ? null : options.Stride,
            options.Uniform ? options.Seed : null, options.Samples, options.Context, table.RowCount, candidates.Count + inductionRemoved,
            inductionRemoved, samples.Count, options.MaxSetShare);
        File.WriteAllText(settingsPath, JsonSerializer.Serialize(settings, SelectionJson.Options));
        return new TokenSelectionResult(samplesPath, settingsPath, table.RowCount, candidates.Count + inductionRemoved,
            inductionRemoved, samples.Count, samples) { SetShares = setShares };
    }

    /// <summary>
    /// The paper's rule: every <c>Stride</c>-th candidate (indices 0, s, 2s, … of the list) until <c>Samples</c> are
    /// taken; or, with <c>Uniform</c>, <c>Samples</c> candidates drawn without replacement by a seeded Fisher–Yates
    /// shuffle, returned in their original order. Deterministic for the same inputs and seed.
    /// </summary>
    public static IReadOnlyList<T> Choose<T>(IReadOnlyList<T> candidates, TokenSelectionOptions options)
    {
        options.Validate();
        if (!options.Uniform)
            return [.. Enumerable.Range(0, (candidates.Count + options.Stride - 1) / options.Stride)
                .Select(i => candidates[i * options.Stride]).Take(options.Samples)];
        int take = Math.Min(options.Samples, candidates.Count);
        var order = Enumerable.Range(0, candidates.Count).ToArray();
        var random = new Random(options.Seed);
        for (int i = 0; i < take; i++)
        {
            int j = random.Next(i, order.Length);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return [.. order.Take(take).Order().Select(i => candidates[i])];
    }

    /// <summary>
    /// Thins the set with the most chosen rows to an evenly spaced subset until no set holds more than
    /// <paramref name="maxShare"/> of the rows (or only one set is left); order is kept.
    /// </summary>
    public static IReadOnlyList<int> CapSetShare(IReadOnlyList<int> chosen, string?[] setOfRow, double maxShare)
    {
        var kept = chosen.ToList();
        while (true)
        {
            var bySet = kept.GroupBy(r => setOfRow[r] ?? "").OrderByDescending(g => g.Count()).ToList();
            if (bySet.Count < 2 || bySet[0].Count() <= maxShare * kept.Count) return kept;
            int others = kept.Count - bySet[0].Count();
            int allowed = Math.Max(1, (int)Math.Floor(maxShare * others / (1 - maxShare)));
            var members = bySet[0].ToList();
            var keep = Enumerable.Range(0, allowed).Select(i => members[(int)((long)i * members.Count / allowed)]).ToHashSet();
            kept = kept.Where(r => (setOfRow[r] ?? "") != bySet[0].Key || keep.Contains(r)).ToList();
        }
    }

    private sealed record SelectionSettings(string Losses, string LossColumn, string Corpus, string Model, float MaxLoss,
        bool InductionFilter, string Method, int? Stride, int? Seed, int MaxSamples, int Context, long TableRows,
        long Candidates, long InductionRemoved, int Chosen, double? MaxSetShare);

    private static class SelectionJson
    {
        public static readonly JsonSerializerOptions Options = new()
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
    }
}
