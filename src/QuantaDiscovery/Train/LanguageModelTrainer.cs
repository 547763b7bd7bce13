using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using QuantaDiscovery.Common;
using QuantaDiscovery.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantaDiscovery.Train;

/// <summary>
/// Hyperparameters of one training run. Defaults are Pythia's (Biderman et al. 2023, table 6 and appendix E):
/// AdamW β = (0.9, 0.95), ε = 1e-8, weight decay 0.01, gradient clipping at norm 1, warmup over 1% of the
/// updates, cosine decay to 0.1 × the peak learning rate.
/// </summary>
public sealed record LmTrainingOptions
{
    public int Context { get; init; } = 256;
    public int BatchSize { get; init; } = 16;
    public int Steps { get; init; } = 1000;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Warmup updates; null: 1% of <see cref="Steps"/> (at least one).</summary>
    public int? WarmupSteps { get; init; }
    public double MinLearningRateRatio { get; init; } = 0.1;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.95;
    public double Epsilon { get; init; } = 1e-8;
    public double WeightDecay { get; init; } = 0.01;
    public double GradientClipNorm { get; init; } = 1.0;
    /// <summary>Seeds the initial weights and the sequence order.</summary>
    public int Seed { get; init; }
    /// <summary>Steps at which to save a checkpoint; null: <see cref="CheckpointSchedule.Pythia"/>.</summary>
    public IReadOnlyList<int>? Checkpoints { get; init; }

    /// <summary>Updates between resume-state saves (besides every checkpoint), so a killed run loses at most this many.</summary>
    public int StateEvery { get; init; } = 250;
    public SafetensorsDType SaveDType { get; init; } = SafetensorsDType.F32;

    public int Warmup => WarmupSteps ?? Math.Max(1, Steps / 100);
    public IReadOnlyList<int> CheckpointSteps => Checkpoints ?? CheckpointSchedule.Pythia(Steps);

    public void Validate()
    {
        void Require(bool ok, string message)
        {
            if (!ok) throw new InputException(message);
        }
        Require(Context >= 1 && BatchSize >= 1 && Steps >= 1, "context, batch size and steps must be positive");
        Require(LearningRate > 0, $"learning rate {LearningRate} must be positive");
        Require(Warmup >= 0 && Warmup <= Steps, $"warmup {Warmup} must be in [0, steps = {Steps}]");
        Require(MinLearningRateRatio is >= 0 and <= 1, $"minimum learning-rate ratio {MinLearningRateRatio} must be in [0, 1]");
        Require(CheckpointSteps.All(s => s >= 0 && s <= Steps), $"checkpoint steps must lie in [0, {Steps}]");
        Require(StateEvery >= 1, $"state-save interval {StateEvery} must be positive");
    }
}

/// <summary>Progress after an update (or after a resume, with Loss NaN).</summary>
public sealed record TrainingProgress(string Run, int Step, int TotalSteps, double Loss, double LearningRate,
    double TokensPerSecond, TimeSpan Elapsed)
{
    /// <summary>Remaining time at the current throughput.</summary>
    public TimeSpan? Remaining => Step > 0 && Elapsed > TimeSpan.Zero && TokensPerSecond > 0
        ? Elapsed / Math.Max(1, Step - FirstStep) * (TotalSteps - Step) : null;

    public int FirstStep { get; init; }
}

/// <summary>What a run produced: its checkpoint folders by step, and its final training loss.</summary>
public sealed record TrainingResult(string RunDirectory, IReadOnlyDictionary<int, string> Checkpoints, double FinalLoss, int ResumedFrom);

/// <summary>
/// Trains a language model of any family (<see cref="CausalLanguageModel"/>; Pythia's recipe) from scratch on a fixed sequence
/// order, saving Hugging Face checkpoint folders <c>&lt;run&gt;/step&lt;N&gt;/</c> (config.json, model.safetensors,
/// tokenizer.json). The optimizer state and float32 weights of the latest checkpoint go to <c>&lt;run&gt;/train-state/</c>,
/// from which an interrupted run resumes; training loss per update goes to <c>&lt;run&gt;/train_log.csv</c>.
/// </summary>
public static class LanguageModelTrainer
{
    public const string StateDirectoryName = "train-state";
    public const string LogFileName = "train_log.csv";

    public static string CheckpointDirectory(string runDirectory, int step) => Path.Combine(runDirectory, $"step{step}");

    /// <summary>
    /// Trains <paramref name="config"/> for options.Steps updates, resuming from <c>train-state/</c> when a previous
    /// run with the same configuration and options left one.
    /// </summary>
    public static TrainingResult Train(IModelConfig config, SequenceBatches batches, string runDirectory, string tokenizerPath,
        LmTrainingOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        // Autograd is a per-thread libtorch setting: a caller's no_grad scope must not reach the training steps.
        using var autograd = enable_grad();
        config.Validate();
        options.Validate();
        if (batches.Context != options.Context || batches.BatchSize != options.BatchSize)
            throw new ArgumentException("the batches' context and batch size differ from the options'", nameof(batches));
        if (!File.Exists(tokenizerPath)) throw new InputException("tokenizer not found", tokenizerPath);
        Directory.CreateDirectory(runDirectory);
        var runName = Path.GetFileName(Path.TrimEndingDirectorySeparator(runDirectory));
        var statePath = Path.Combine(runDirectory, StateDirectoryName);
        var fingerprint = Fingerprint(config, options);

        using var model = new CausalLanguageModel(config);
        model.Initialize(options.Seed);
        var parameters = model.named_parameters().ToList();
        // Pythia (GPT-NeoX's get_params_for_weight_decay_optimization) exempts biases and layer norms from decay.
        var decayed = parameters.Where(p => p.parameter.dim() >= 2).Select(p => p.parameter).ToList();
        var exempt = parameters.Where(p => p.parameter.dim() < 2).Select(p => p.parameter).ToList();
        using var optimizer = optim.AdamW(
            [
                new AdamW.ParamGroup(decayed, new AdamW.Options { weight_decay = options.WeightDecay }),
                new AdamW.ParamGroup(exempt, new AdamW.Options { weight_decay = 0 }),
            ],
            lr: options.LearningRate, beta1: options.Beta1, beta2: options.Beta2, eps: options.Epsilon);

        int step = 0;
        if (TryReadState(statePath, fingerprint) is { } resumed)
        {
            using (var weights = new ModelWeights([SafetensorsFile.Open(Path.Combine(statePath, ModelFolder.SafetensorsFileName))]))
                model.LoadWeights(weights);
            optimizer.load_state_dict(Path.Combine(statePath, OptimizerFileName));
            step = resumed;
        }
        int firstStep = step;
        var log = OpenLog(Path.Combine(runDirectory, LogFileName), step);
        var checkpoints = options.CheckpointSteps.ToHashSet();
        var saved = options.CheckpointSteps.Where(s => s <= step && Directory.Exists(CheckpointDirectory(runDirectory, s)))
            .ToDictionary(s => s, s => CheckpointDirectory(runDirectory, s));
        if (step == 0 && checkpoints.Contains(0))
            saved[0] = SaveCheckpoint(model, config, options, runDirectory, tokenizerPath, optimizer, 0, fingerprint);

        model.train();
        double loss = double.NaN;
        var clock = Stopwatch.StartNew();
        try
        {
            while (step < options.Steps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                double learningRate = LearningRateSchedule.At(step, options.LearningRate, options.Warmup, options.Steps, options.MinLearningRateRatio);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
                loss = Update(model, optimizer, batches, step, options);
                step++;
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{step},{learningRate:R},{loss:R},{(long)step * batches.TokensPerStep}"));
                if (checkpoints.Contains(step))
                {
                    log.Flush();
                    saved[step] = SaveCheckpoint(model, config, options, runDirectory, tokenizerPath, optimizer, step, fingerprint);
                    RecordTiming(runDirectory, firstStep, step, clock.Elapsed, batches.TokensPerStep);
                }
                else if (step % options.StateEvery == 0)
                {
                    log.Flush();
                    SaveState(model, optimizer, runDirectory, step, fingerprint);
                    RecordTiming(runDirectory, firstStep, step, clock.Elapsed, batches.TokensPerStep);
                }
                progress?.Report(new TrainingProgress(runName, step, options.Steps, loss, learningRate,
                    (step - firstStep) * batches.TokensPerStep / clock.Elapsed.TotalSeconds, clock.Elapsed) { FirstStep = firstStep });
            }
        }
        finally
        {
            log.Dispose();
            if (step > firstStep)
                RecordTiming(runDirectory, firstStep, step, clock.Elapsed, batches.TokensPerStep);
        }
        return new TrainingResult(runDirectory, saved, loss, firstStep);
    }

    private static double Update(CausalLanguageModel model, AdamW optimizer, SequenceBatches batches, int step, LmTrainingOptions options)
    {
        using var scope = NewDisposeScope();
        var tokens = tensor(batches.Batch(step), [options.BatchSize, options.Context + 1]);
        var inputs = tokens.narrow(1, 0, options.Context);
        var targets = tokens.narrow(1, 1, options.Context);
        var logits = model.forward(inputs, null);
        var loss = nn.functional.cross_entropy(logits.reshape(-1, model.Config.VocabSize), targets.reshape(-1));
        optimizer.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters(), options.GradientClipNorm);
        optimizer.step();
        return loss.item<float>();
    }

    private const string OptimizerFileName = "optimizer.bin";
    private const string StateFileName = "state.json";

    /// <summary>Writes step&lt;N&gt;/ (through a temporary folder, so a folder present is complete) and the resume state.</summary>
    private static string SaveCheckpoint(CausalLanguageModel model, IModelConfig config, LmTrainingOptions options, string runDirectory,
        string tokenizerPath, AdamW optimizer, int step, string fingerprint)
    {
        var directory = CheckpointDirectory(runDirectory, step);
        var temporary = directory + ".tmp";
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        Directory.CreateDirectory(temporary);
        config.Save(Path.Combine(temporary, ModelFolder.ConfigFileName));
        model.SaveSafetensors(Path.Combine(temporary, ModelFolder.SafetensorsFileName), options.SaveDType);
        File.Copy(tokenizerPath, Path.Combine(temporary, ModelFolder.TokenizerFileName));
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.Move(temporary, directory);
        SaveState(model, optimizer, runDirectory, step, fingerprint);
        return directory;
    }

    public const string TimingFileName = "train_timing.csv";

    /// <summary>
    /// One row per training session of this run (a resumed run adds a row): steps covered, wall time, tokens/s. The
    /// session's row is rewritten at every state save, so a killed session keeps the time up to its last save.
    /// </summary>
    private static void RecordTiming(string runDirectory, int fromStep, int toStep, TimeSpan elapsed, long tokensPerStep)
    {
        const string header = "from_step,to_step,wall_seconds,tokens_per_second,threads";
        var path = Path.Combine(runDirectory, TimingFileName);
        var earlier = File.Exists(path)
            ? File.ReadLines(path).Skip(1).Where(line => !line.StartsWith(string.Create(CultureInfo.InvariantCulture, $"{fromStep},"), StringComparison.Ordinal)).ToList()
            : [];
        File.WriteAllLines(path, [header, .. earlier, string.Create(CultureInfo.InvariantCulture,
            $"{fromStep},{toStep},{elapsed.TotalSeconds:F1},{(toStep - fromStep) * tokensPerStep / elapsed.TotalSeconds:F0},{get_num_threads()}")]);
    }

    /// <summary>The float32 weights and optimizer state from which an interrupted run resumes (written through a temporary folder).</summary>
    private static void SaveState(CausalLanguageModel model, AdamW optimizer, string runDirectory, int step, string fingerprint)
    {
        var state = Path.Combine(runDirectory, StateDirectoryName);
        var stateTemporary = state + ".tmp";
        if (Directory.Exists(stateTemporary)) Directory.Delete(stateTemporary, recursive: true);
        Directory.CreateDirectory(stateTemporary);
        model.SaveSafetensors(Path.Combine(stateTemporary, ModelFolder.SafetensorsFileName), SafetensorsDType.F32);
        optimizer.save_state_dict(Path.Combine(stateTemporary, OptimizerFileName));
        File.WriteAllText(Path.Combine(stateTemporary, StateFileName),
            JsonSerializer.Serialize(new TrainingState(step, fingerprint), StateJson));
        if (Directory.Exists(state)) Directory.Delete(state, recursive: true);
        Directory.Move(stateTemporary, state);
    }

    private sealed record TrainingState(int Step, string Fingerprint);

    private static readonly JsonSerializerOptions StateJson = new() { WriteIndented = true };

    /// <summary>The step of a resumable state made by the same configuration and options; null when there is none.</summary>
    private static int? TryReadState(string statePath, string fingerprint)
    {
        var file = Path.Combine(statePath, StateFileName);
        if (!File.Exists(file)) return null;
        var state = JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(file))
            ?? throw new InputException("empty training state", file);
        if (state.Fingerprint != fingerprint)
            throw new InputException(
                "this run folder holds a run with other settings; use another output folder or delete it to start over", file);
        return state.Step;
    }

    /// <summary>Everything that must match for a resume to continue the same run.</summary>
    private static string Fingerprint(IModelConfig config, LmTrainingOptions options) =>
        JsonSerializer.Serialize(new { config = (object)config, options = options with { Checkpoints = null, SaveDType = SafetensorsDType.F32, StateEvery = 0 } });

    /// <summary>Opens train_log.csv for appending, dropping rows past <paramref name="step"/> (left by an interrupted run).</summary>
    private static StreamWriter OpenLog(string path, int step)
    {
        const string header = "step,lr,loss,tokens";
        var kept = File.Exists(path) && step > 0
            ? File.ReadLines(path).Skip(1).TakeWhile(line => int.Parse(line[..line.IndexOf(',')], CultureInfo.InvariantCulture) <= step).ToList()
            : [];
        File.WriteAllLines(path, [header, .. kept]);
        return new StreamWriter(path, append: true);
    }
}
