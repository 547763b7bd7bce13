using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Select;
using QuantaDiscovery.Tables;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Tokenize;

namespace QuantaDiscovery.Tests.Select;

public class TokenSelectionTests
{
    private static readonly string[] Texts =
    [
        "the cat sat on the mat and the cat sat on the mat again",
        "one two three four five six seven eight nine ten",
        "x",
        "to be or not to be, that is the question; to be or not to be",
    ];

    /// <summary>A corpus, a model folder holding a truncated Pythia tokenizer, and a loss table over them whose
    /// losses alternate 0.05 / 1.0 / 0.07 by row, so that candidates are known without a model.</summary>
    private static async Task<(string Corpus, string Model, string Losses, ByteLevelBpeTokenizer Tokenizer)> Fixture(string folder, int context,
        Func<long, int, int, int>? corruptToken = null)
    {
        var tokenizer = TinyModels.Tokenizer;
        var model = TinyModels.Create(Path.Combine(folder, "model"), seed: 1);
        var corpus = Path.Combine(folder, "corpus.jsonl");
        File.WriteAllLines(corpus, Texts.Select((t, i) => JsonSerializer.Serialize(new { text = t, meta = new { pile_set_name = i % 2 == 0 ? "A" : "B" } })));
        var losses = Path.Combine(folder, "losses.parquet");
        var writer = await TokenTableWriter.CreateAsync(losses, TokenTableSchema.SingleModel(hasSet: true));
        int row = 0;
        for (int d = 0; d < Texts.Length; d++)
        {
            var ids = tokenizer.Encode(Texts[d]).Take(context).ToArray();
            for (int j = 1; j < ids.Length; j++, row++)
                writer.Append(d, j, corruptToken?.Invoke(d, j, ids[j]) ?? ids[j], LossOfRow(row), d % 2 == 0 ? "A" : "B");
        }
        await writer.CompleteAsync();
        return (corpus, model.Directory, losses, tokenizer);
    }

    private static float LossOfRow(int row) => (row % 3) switch { 0 => 0.05f, 1 => 1.0f, _ => 0.07f };

    [Fact]
    public async Task ChoosesLowLossNonInductionTokensEveryStrideWithContexts()
    {
        const int context = 20;
        var folder = TestPaths.NewTempFolder();
        var (corpus, model, losses, tokenizer) = await Fixture(folder, context);
        var options = new TokenSelectionOptions { Stride = 2, Samples = 5, Context = context };
        var result = await TokenSelection.RunAsync(losses, corpus, model, Path.Combine(folder, "out"), options);

        // Independent expectation: the rows of the table in order, filtered by hand.
        var expected = new List<(long Doc, int Pos, int Token, float Loss)>();
        long candidates = 0, induction = 0;
        int row = 0;
        for (int d = 0; d < Texts.Length; d++)
        {
            var ids = tokenizer.Encode(Texts[d]).Take(context).ToArray();
            for (int j = 1; j < ids.Length; j++, row++)
            {
                if (!(LossOfRow(row) < 0.1f)) continue;
                candidates++;
                bool repeated = Enumerable.Range(2, Math.Max(0, j - 2)).Any(k => ids[k - 2] == ids[j - 2] && ids[k - 1] == ids[j - 1] && ids[k] == ids[j]);
                if (j >= 2 && repeated) { induction++; continue; }
                expected.Add((d, j, ids[j], LossOfRow(row)));
            }
        }
        var chosen = expected.Where((_, i) => i % 2 == 0).Take(5).ToList();
        Assert.True(induction > 0, "the fixture should hold induction tokens");
        Assert.Equal(candidates, result.Candidates);
        Assert.Equal(induction, result.InductionRemoved);
        Assert.Equal(chosen.Count, result.Chosen);

        var samples = await SampleTable.ReadAsync(result.SamplesPath);
        Assert.Equal(chosen, samples.Select(s => (s.Doc, s.Pos, s.Token, s.Loss)));
        foreach (var s in samples)
        {
            var ids = tokenizer.Encode(Texts[s.Doc]);
            Assert.Equal(tokenizer.Decode(ids.AsSpan(0, s.Pos)), s.Context);
            Assert.Equal(tokenizer.Decode([ids[s.Pos]]), s.Target);
            Assert.Equal(s.Doc % 2 == 0 ? "A" : "B", s.Set);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(result.SettingsPath));
        Assert.Equal(candidates, json.RootElement.GetProperty("candidates").GetInt64());
        Assert.Equal(induction, json.RootElement.GetProperty("induction_removed").GetInt64());
        Assert.Equal(chosen.Count, json.RootElement.GetProperty("chosen").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("stride").GetInt32());
    }

    [Fact]
    public async Task TableFromAnotherTokenizationIsRefusedNamingTheDocument()
    {
        const int context = 20;
        var folder = TestPaths.NewTempFolder();
        var (corpus, model, losses, _) = await Fixture(folder, context, (doc, pos, token) => doc == 3 && pos == 4 ? token + 1 : token);
        var error = await Assert.ThrowsAsync<InputException>(() => TokenSelection.RunAsync(losses, corpus, model, Path.Combine(folder, "out"), new TokenSelectionOptions { Context = context }));
        Assert.Contains("doc 3, pos 4", error.Message);
        Assert.Contains(losses, error.Message);
    }

    [Fact]
    public void StrideTakesEverySthUpToN()
    {
        var candidates = Enumerable.Range(100, 50).ToList();
        Assert.Equal([100, 107, 114, 121], TokenSelection.Choose(candidates, new TokenSelectionOptions { Stride = 7, Samples = 4 }));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => 100 + 7 * i), TokenSelection.Choose(candidates, new TokenSelectionOptions { Stride = 7, Samples = 100 }));
        Assert.Equal(candidates, TokenSelection.Choose(candidates, new TokenSelectionOptions { Stride = 1, Samples = 1000 }));
    }

    [Fact]
    public void UniformSampleIsDeterministicPerSeedOrderedAndWithoutRepeats()
    {
        var candidates = Enumerable.Range(0, 1000).ToList();
        var a = TokenSelection.Choose(candidates, new TokenSelectionOptions { Uniform = true, Seed = 4, Samples = 100 });
        var b = TokenSelection.Choose(candidates, new TokenSelectionOptions { Uniform = true, Seed = 4, Samples = 100 });
        var c = TokenSelection.Choose(candidates, new TokenSelectionOptions { Uniform = true, Seed = 5, Samples = 100 });
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(100, a.Distinct().Count());
        Assert.Equal(a.Order(), a);
        // Roughly uniform: the sample's mean is near the population's (sd of the mean ≈ 29 here).
        Assert.InRange(a.Average(), 499.5 - 120, 499.5 + 120);
        Assert.Equal(candidates, TokenSelection.Choose(candidates, new TokenSelectionOptions { Uniform = true, Samples = 5000 }));
    }
}
