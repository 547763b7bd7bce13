using System.Globalization;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using QuantaDiscovery.Models.GptNeoX;
using QuantaDiscovery.Tests.Common;
using QuantaDiscovery.Tokenize;
using QuantaDiscovery.Train;
using static TorchSharp.torch;

namespace QuantaDiscovery.Tests.Train;

public class TrainingTests
{
    private static readonly string[] Documents =
    [
        "The cat sat on the mat. The cat sat on the mat again, and the dog sat on the rug.",
        "One, two, three, four. One, two, three, four. Counting is easy when the numbers repeat.",
        "def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n",
        "To be, or not to be, that is the question: whether 'tis nobler in the mind to suffer.",
        "Water boils at one hundred degrees. Water freezes at zero degrees. Water is wet.",
        "The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog.",
    ];

    /// <summary>A corpus of the documents repeated, and the GPT-NeoX-20B tokenizer cut to 200 merges.</summary>
    private static (string Corpus, string Tokenizer) Fixture(string folder, int repeats = 8)
    {
        var corpus = Path.Combine(folder, "train.jsonl");
        File.WriteAllLines(corpus, Enumerable.Repeat(Documents, repeats).SelectMany(d => d)
            .Select(text => System.Text.Json.JsonSerializer.Serialize(new { text, meta = new { pile_set_name = "Test" } })));
        var tokenizer = Path.Combine(folder, "tokenizer.json");
        File.Copy(SmallTokenizer.Value, tokenizer);
        return (corpus, tokenizer);
    }

    private static readonly Lazy<string> SmallTokenizer = new(() =>
    {
        var path = Path.Combine(TestPaths.NewTempFolder(), "tokenizer.json");
        ByteLevelBpeTokenizer.Load(TestPaths.InRepo("models/tokenizers/gpt-neox-20b/tokenizer.json")).Truncate(200).Save(path);
        return path;
    });

    private static GptNeoXConfig TinyConfig(int vocabulary, int hidden = 16, int layers = 1) => new()
    {
        HiddenSize = hidden, NumHiddenLayers = layers, NumAttentionHeads = 2, IntermediateSize = 4 * hidden,
        VocabSize = vocabulary, MaxPositionEmbeddings = 16,
    };

    private static LmTrainingOptions TinyOptions(int steps, params int[] checkpoints) => new()
    {
        Context = 16, BatchSize = 4, Steps = steps, LearningRate = 1e-2, Seed = 3,
        Checkpoints = CheckpointSchedule.Parse(string.Join(',', checkpoints), steps), SaveDType = SafetensorsDType.F32,
    };

    private static double[] LoggedLosses(string run) => File.ReadLines(Path.Combine(run, LanguageModelTrainer.LogFileName)).Skip(1)
        .Select(line => double.Parse(line.Split(',')[2], CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public async Task Token_stream_joins_documents_with_end_of_text_and_its_cache_gives_the_same_batches()
    {
        var folder = TestPaths.NewTempFolder();
        var (corpus, tokenizerPath) = Fixture(folder, repeats: 2);
        var tokenizer = ByteLevelBpeTokenizer.Load(tokenizerPath);
        int[] expected = [.. Enumerable.Repeat(Documents, 2).SelectMany(d => d).SelectMany(text => tokenizer.Encode(text).Append(0))];

        var built = await TokenStream.LoadOrBuildAsync(corpus, tokenizerPath, folder);
        var cached = await TokenStream.LoadOrBuildAsync(corpus, tokenizerPath, folder);
        Assert.True(File.Exists(Path.Combine(folder, TokenStream.CacheFileName)));
        Assert.Equal(0, built.EndOfTextId);
        Assert.Equal(expected, built.Tokens);
        Assert.Equal(expected, cached.Tokens);

        // Two sizes of a suite each build their batches from the stream: the same tokens at every step.
        var first = new SequenceBatches(built, context: 8, batchSize: 3, seed: 5);
        var second = new SequenceBatches(cached, context: 8, batchSize: 3, seed: 5);
        for (int step = 0; step < 20; step++) Assert.Equal(first.Batch(step), second.Batch(step));
        Assert.NotEqual(first.Batch(0), new SequenceBatches(built, 8, 3, seed: 6).Batch(0));
    }

    [Fact]
    public void One_epoch_visits_every_sequence_once()
    {
        var stream = TokenStream.FromTokens([.. Enumerable.Range(0, 90)], endOfTextId: 0, documents: 1);
        var batches = new SequenceBatches(stream, context: 8, batchSize: 2, seed: 1);  // 10 sequences of 9 tokens
        var starts = Enumerable.Range(0, 5).SelectMany(step => batches.Batch(step).Chunk(9).Select(row => row[0])).Order();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 9L * i), starts);
        Assert.Equal(batches.Batch(0), batches.Batch(5));  // the second epoch repeats the order
    }

    [Fact]
    public async Task Training_loss_falls_over_thirty_steps()
    {
        var folder = TestPaths.NewTempFolder();
        var (corpus, tokenizer) = Fixture(folder);
        var stream = await TokenStream.LoadOrBuildAsync(corpus, tokenizer, folder);
        var options = TinyOptions(30, 30);
        var config = TinyConfig(ByteLevelBpeTokenizer.Load(tokenizer).VocabularySize);
        var run = Path.Combine(folder, "tiny");
        LanguageModelTrainer.Train(config, new SequenceBatches(stream, 16, 4, options.Seed), run, tokenizer, options);

        var losses = LoggedLosses(run);
        Assert.Equal(30, losses.Length);
        Assert.True(losses[^5..].Average() < losses[..5].Average() - 1.0, $"first {losses[..5].Average()}, last {losses[^5..].Average()}");
    }

    [Fact]
    public async Task Interrupted_and_resumed_run_ends_with_the_weights_of_an_uninterrupted_run()
    {
        var folder = TestPaths.NewTempFolder();
        var (corpus, tokenizer) = Fixture(folder);
        var stream = await TokenStream.LoadOrBuildAsync(corpus, tokenizer, folder);
        using var oneThread = TorchThreads.OnThisThread(1); // the rest runs on this thread: both runs use one libtorch thread
        var options = TinyOptions(12, 6, 12);
        var config = TinyConfig(ByteLevelBpeTokenizer.Load(tokenizer).VocabularySize, hidden: 32, layers: 2);
        var batches = new SequenceBatches(stream, 16, 4, options.Seed);

        var whole = Path.Combine(folder, "whole");
        LanguageModelTrainer.Train(config, batches, whole, tokenizer, options);

        var split = Path.Combine(folder, "split");
        using var interrupt = new CancellationTokenSource();
        var stopAfterHalf = new SynchronousProgress(p => { if (p.Step == 6) interrupt.Cancel(); });
        Assert.Throws<OperationCanceledException>(() =>
            LanguageModelTrainer.Train(config, batches, split, tokenizer, options, stopAfterHalf, interrupt.Token));
        Assert.False(Directory.Exists(LanguageModelTrainer.CheckpointDirectory(split, 12)));
        var resumed = LanguageModelTrainer.Train(config, batches, split, tokenizer, options);
        Assert.Equal(6, resumed.ResumedFrom);

        using var expected = CausalLanguageModel.Load(ModelFolder.Open(LanguageModelTrainer.CheckpointDirectory(whole, 12)));
        using var actual = CausalLanguageModel.Load(ModelFolder.Open(LanguageModelTrainer.CheckpointDirectory(split, 12)));
        foreach (var ((name, e), (_, a)) in expected.named_parameters().Zip(actual.named_parameters()))
            Assert.True(e.sub(a).abs().max().item<float>() < 1e-6, name);
        Assert.Equal(LoggedLosses(whole), LoggedLosses(split));
    }

    [Fact]
    public async Task A_run_killed_between_checkpoints_resumes_from_its_last_state_save_and_each_session_has_a_timing_row()
    {
        var folder = TestPaths.NewTempFolder();
        var (corpus, tokenizer) = Fixture(folder);
        var stream = await TokenStream.LoadOrBuildAsync(corpus, tokenizer, folder);
        using var oneThread = TorchThreads.OnThisThread(1); // the rest runs on this thread: both runs use one libtorch thread
        var options = TinyOptions(12, 12) with { StateEvery = 4 };
        var config = TinyConfig(ByteLevelBpeTokenizer.Load(tokenizer).VocabularySize, hidden: 32, layers: 1);
        var batches = new SequenceBatches(stream, 16, 4, options.Seed);
        var run = Path.Combine(folder, "run");
        using var interrupt = new CancellationTokenSource();
        var stopAtSix = new SynchronousProgress(p => { if (p.Step == 6) interrupt.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => LanguageModelTrainer.Train(config, batches, run, tokenizer, options, stopAtSix, interrupt.Token));

        var resumed = LanguageModelTrainer.Train(config, batches, run, tokenizer, options);
        Assert.Equal(4, resumed.ResumedFrom);   // the state saved at step 4, no checkpoint before 12
        var rows = File.ReadAllLines(Path.Combine(run, LanguageModelTrainer.TimingFileName));
        Assert.Equal("from_step,to_step,wall_seconds,tokens_per_second,threads", rows[0]);
        Assert.Equal(["0,6", "4,12"], rows.Skip(1).Select(r => string.Join(',', r.Split(',').Take(2))).ToArray());
    }

    [Fact]
    public async Task Resuming_with_other_settings_is_refused()
    {
        var folder = TestPaths.NewTempFolder();
        var (corpus, tokenizer) = Fixture(folder, repeats: 2);
        var stream = await TokenStream.LoadOrBuildAsync(corpus, tokenizer, folder);
        var config = TinyConfig(ByteLevelBpeTokenizer.Load(tokenizer).VocabularySize);
        var run = Path.Combine(folder, "run");
        LanguageModelTrainer.Train(config, new SequenceBatches(stream, 16, 4, 3), run, tokenizer, TinyOptions(2, 2));
        Assert.Throws<InputException>(() =>
            LanguageModelTrainer.Train(config, new SequenceBatches(stream, 16, 4, 3), run, tokenizer, TinyOptions(2, 2) with { LearningRate = 0.5 }));
    }

    [Fact]
    public async Task Saved_checkpoint_reloads_with_the_losses_of_the_model_in_memory()
    {
        var folder = TestPaths.NewTempFolder();
        var (corpus, tokenizer) = Fixture(folder, repeats: 2);
        var stream = await TokenStream.LoadOrBuildAsync(corpus, tokenizer, folder);
        var config = TinyConfig(ByteLevelBpeTokenizer.Load(tokenizer).VocabularySize);
        var options = TinyOptions(1, 0, 1);
        var run = Path.Combine(folder, "run");
        var result = LanguageModelTrainer.Train(config, new SequenceBatches(stream, 16, 4, options.Seed), run, tokenizer, options);

        // Step 0 is the initialisation, which the same seed rebuilds in memory.
        using var inMemory = new CausalLanguageModel(config);
        inMemory.Initialize(options.Seed);
        inMemory.eval();
        var folder0 = ModelFolder.Open(result.Checkpoints[0]);
        Assert.True(File.Exists(folder0.TokenizerPath));
        using var reloaded = CausalLanguageModel.Load(folder0);
        using var ids = tensor(stream.Tokens.Take(16).Select(t => (long)t).ToArray(), [1, 16]);
        using var noGrad = no_grad();
        using var expected = inMemory.TokenLosses(ids);
        using var actual = reloaded.TokenLosses(ids);
        Assert.True(expected.sub(actual).abs().max().item<float>() < 1e-6);
        Assert.Equal(config, folder0.Config);
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
