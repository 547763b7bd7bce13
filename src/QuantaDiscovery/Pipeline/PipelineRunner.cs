using System.Diagnostics;
using System.Globalization;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Pipeline;

public enum StageStatus
{
    /// <summary>Ran in this invocation.</summary>
    Done,

    /// <summary>Its output for the same fingerprint already existed.</summary>
    Cached,

    /// <summary>Assembled from a complete set of shard outputs.</summary>
    Merged,

    /// <summary>With <c>--shard</c>: downstream of a sharded stage, so it waits for the merge run.</summary>
    WaitingForMerge,

    Failed,

    /// <summary>A stage it depends on failed.</summary>
    NotRun,
}

public sealed record PipelineRunOptions
{
    /// <summary>Overrides the pipeline's <c>work:</c> folder.</summary>
    public string? WorkFolder { get; init; }

    /// <summary>Stages to redo even if cached; their dependents are redone too.</summary>
    public IReadOnlyCollection<string> Force { get; init; } = [];

    /// <summary>
    /// Run only this shard of the data-parallel stages — a document block, and with <see cref="Pipeline.Shard.Models"/> &gt; 1
    /// one model of their list — and what they need; later stages wait for the merge run.
    /// </summary>
    public Shard? Shard { get; init; }

    public StageCatalog Catalog { get; init; } = StageCatalog.Default;
}

/// <param name="BadInput">the stage failed on bad input (an <see cref="InputException"/>) or a full disk (<see cref="MachineFault"/>), not on a bug</param>
public sealed record StageOutcome(string Name, string Kind, StageStatus Status, TimeSpan Elapsed, string? Output, string? Error = null,
    bool BadInput = false);

public sealed record PipelineRunResult(string WorkFolder, string LogPath, string ManifestPath, IReadOnlyList<StageOutcome> Stages)
{
    public bool Succeeded => Stages.All(s => s.Status is not (StageStatus.Failed or StageStatus.NotRun));

    /// <summary>Every failed stage failed on bad input (the CLI's exit code 2); false when one failed on a bug.</summary>
    public bool FailedOnBadInputOnly => !Succeeded && Stages.Where(s => s.Status == StageStatus.Failed).All(s => s.BadInput);
}

/// <summary>
/// Runs a <see cref="PipelineDefinition"/>: stages in dependency order, each into
/// <c>&lt;work&gt;/&lt;stage&gt;/&lt;fingerprint&gt;/</c> (see <see cref="StageFingerprint"/>). A stage writes into a
/// private <c>*.partial-&lt;host&gt;-&lt;pid&gt;</c> folder renamed into place when it succeeds, so a killed run leaves
/// no half output and the next run redoes exactly the unfinished stages (or shards). Sharded outputs go to
/// <c>&lt;fingerprint&gt;.shards/&lt;i&gt;-of-&lt;N&gt;/</c> (or <c>…/&lt;i&gt;-of-&lt;N&gt;.model-&lt;m&gt;-of-&lt;M&gt;/</c> with the models
/// split, see <see cref="Shard"/>); a later unsharded run merges a complete set instead of
/// recomputing. Progress goes to <see cref="IProgress{T}"/>, every event to <c>&lt;work&gt;/run.log</c>.
/// </summary>
public static class PipelineRunner
{
    public const string LogFileName = "run.log";

    public static async Task<PipelineRunResult> RunAsync(PipelineDefinition definition, PipelineRunOptions? options = null,
        IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new PipelineRunOptions();
        foreach (var name in options.Force.Where(n => definition.Stages.All(s => s.Name != n)))
            throw new InputException($"--force {name}: the pipeline has no such stage (stages: {string.Join(", ", definition.Stages.Select(s => s.Name))})", definition.Path);
        var run = new PipelineRun(definition, options, progress, cancellationToken);
        run.Log($"run {definition.Path} (work {run.Work}{(options.Shard is { } s ? $", shard {s}" : "")}{(run.Forced.Count > 0 ? $", forcing {string.Join(", ", run.Forced)}" : "")})");
        var outcomes = new List<StageOutcome>();
        foreach (var stage in run.Order)
            outcomes.Add(run.Dependencies[stage.Name].FirstOrDefault(d => !run.Outputs.ContainsKey(d)) is { } blocked
                ? run.Skip(stage, blocked)
                : await run.RunStageAsync(stage));
        run.Log($"finished: {string.Join(", ", outcomes.Select(o => $"{o.Name} {o.Status}"))}");
        return new PipelineRunResult(run.Work, run.LogPath, run.Manifest.Path, outcomes);
    }

    /// <summary>The state of one <see cref="RunAsync"/>: what it runs, and the fingerprints and outputs of the stages done so far.</summary>
    private sealed class PipelineRun
    {
        private readonly PipelineDefinition _definition;
        private readonly PipelineRunOptions _options;
        private readonly IProgress<StageProgress>? _progress;
        private readonly CancellationToken _cancellationToken;
        private readonly HashSet<string> _downstreamOfShardable;
        private readonly Dictionary<string, string> _fingerprints = new(StringComparer.Ordinal);
        private readonly Lock _logLock = new();

        public PipelineRun(PipelineDefinition definition, PipelineRunOptions options, IProgress<StageProgress>? progress, CancellationToken cancellationToken)
        {
            (_definition, _options, _progress, _cancellationToken) = (definition, options, progress, cancellationToken);
            Work = Path.GetFullPath(options.WorkFolder ?? definition.Work);
            Directory.CreateDirectory(Work);
            Manifest = new RunManifest(Work);
            LogPath = Path.Combine(Work, LogFileName);
            Order = TopologicalOrder(definition);
            Dependencies = definition.Stages.ToDictionary(s => s.Name, PipelineYaml.Dependencies);
            Forced = Downstream(Order, Dependencies, options.Force.Contains, includeRoots: true);
            _downstreamOfShardable = Downstream(Order, Dependencies, n => options.Catalog.Get(definition.Stage(n).Kind).Shardable, includeRoots: false);
        }

        public string Work { get; }
        public string LogPath { get; }
        public RunManifest Manifest { get; }
        public IReadOnlyList<StageDefinition> Order { get; }
        public Dictionary<string, IReadOnlyList<string>> Dependencies { get; }
        public HashSet<string> Forced { get; }

        /// <summary>The output folders of the stages finished so far (unsharded: a shard's output is no stage's output).</summary>
        public Dictionary<string, string> Outputs { get; } = new(StringComparer.Ordinal);

        public void Log(string message)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} [{Environment.ProcessId}] {message}{Environment.NewLine}");
            lock (_logLock) File.AppendAllText(LogPath, line);
        }

        /// <summary>A stage whose dependency <paramref name="blocked"/> did not finish: it waits for the merge run (with --shard) or is not run.</summary>
        public StageOutcome Skip(StageDefinition stage, string blocked)
        {
            bool waiting = _options.Shard is not null && _downstreamOfShardable.Contains(stage.Name);
            var status = waiting ? StageStatus.WaitingForMerge : StageStatus.NotRun;
            Log($"{stage.Name}: {status} (needs {blocked})");
            _progress?.Report(new StageProgress(stage.Name, waiting ? "waits for the merge" : $"not run: {blocked} did not finish", null, status));
            return new StageOutcome(stage.Name, stage.Kind, status, TimeSpan.Zero, null, waiting ? null : $"stage '{blocked}' did not finish");
        }

        /// <summary>Runs, merges or reuses one stage; records it in the manifest under the same key whether it succeeds or fails.</summary>
        public async Task<StageOutcome> RunStageAsync(StageDefinition stage)
        {
            var kind = _options.Catalog.Get(stage.Kind);
            var stopwatch = Stopwatch.StartNew();
            Shard? shard = _options.Shard is not null && kind.Shardable ? _options.Shard : null;
            var key = shard is { } k ? $"{stage.Name}[{k}]" : stage.Name;
            string? fingerprint = null, output = null;
            try
            {
                var settings = Resolve(_definition, stage, kind, Outputs);
                var inputPaths = settings.Values.Where(v => v.Setting.Kind is SettingKind.InputPath or SettingKind.InputPaths).SelectMany(v => v.Values);
                fingerprint = StageFingerprint.Compute(stage, kind, Dependencies[stage.Name].ToDictionary(d => d, d => _fingerprints[d]), inputPaths, Work);
                var final = Path.Combine(Work, stage.Name, fingerprint[..StageFingerprint.FolderLength]);
                output = shard is { } sh ? Path.Combine(final + ".shards", sh.FolderName) : final;
                var status = await ProduceAsync(stage, kind, settings, shard, final, output);
                _fingerprints[stage.Name] = fingerprint;
                if (shard is null) Outputs[stage.Name] = output;
                Manifest.Record(key, new ManifestEntry(stage.Kind, fingerprint, status, output, stopwatch.Elapsed.TotalSeconds, DateTime.UtcNow));
                Log($"{stage.Name}: {status} in {stopwatch.Elapsed.TotalSeconds:F1} s → {output}");
                _progress?.Report(new StageProgress(stage.Name, status.ToString(), 1, status));
                return new StageOutcome(stage.Name, stage.Kind, status, stopwatch.Elapsed, output);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var machineFault = MachineFault.Describe(e);
                bool badInput = e is InputException || machineFault is not null;
                var message = machineFault ?? e.Message;
                Manifest.Record(key, new ManifestEntry(stage.Kind, fingerprint ?? "", StageStatus.Failed, output, stopwatch.Elapsed.TotalSeconds, DateTime.UtcNow, message));
                // bad input and a full disk are the user's to fix: the message names the fault; anything else is a bug, logged with its trace
                Log(badInput ? $"{stage.Name}: failed on bad input: {message}" : $"{stage.Name}: failed: {e}");
                _progress?.Report(new StageProgress(stage.Name, message, null, StageStatus.Failed));
                return new StageOutcome(stage.Name, stage.Kind, StageStatus.Failed, stopwatch.Elapsed, output, message, badInput);
            }
        }

        /// <summary>Makes the stage's output folder: cached already, merged from a complete set of shards, or computed.</summary>
        private async Task<StageStatus> ProduceAsync(StageDefinition stage, PipelineStage kind, Dictionary<string, ResolvedSetting> settings,
            Shard? shard, string final, string output)
        {
            bool forced = Forced.Contains(stage.Name);
            if (Directory.Exists(output) && !forced)
                return StageStatus.Cached;
            if (shard is null && kind.Shardable && !forced && CompleteShardSet(final + ".shards") is { } shardFolders)
            {
                _progress?.Report(new StageProgress(stage.Name, $"merging {shardFolders.Count} shards"));
                await AtomicFolder.WriteAsync(output, partial => kind.MergeShardsAsync(shardFolders, partial, _cancellationToken));
                return StageStatus.Merged;
            }
            Log($"{stage.Name}: running {stage.Kind}{(shard is { } r ? $" shard {r}" : "")} → {output}");
            _progress?.Report(new StageProgress(stage.Name, "starting"));
            await AtomicFolder.WriteAsync(output, partial => kind.RunAsync(
                new StageContext(stage.Name, settings, partial, shard, _progress, Log, Work, forced), _cancellationToken), replace: forced);
            return StageStatus.Done;
        }
    }

    /// <summary>The stages with each after everything it depends on, otherwise in the order written.</summary>
    public static IReadOnlyList<StageDefinition> TopologicalOrder(PipelineDefinition definition)
    {
        var order = new List<StageDefinition>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Visit(StageDefinition stage)
        {
            if (!seen.Add(stage.Name)) return;
            foreach (var dependency in PipelineYaml.Dependencies(stage)) Visit(definition.Stage(dependency));
            order.Add(stage);
        }
        foreach (var stage in definition.Stages) Visit(stage);
        return order;
    }

    /// <summary>
    /// The shard folders of one complete set, every document block of N (and, with models split, every model of M for
    /// each), ordered by block then model; null when no set is complete.
    /// </summary>
    public static IReadOnlyList<string>? CompleteShardSet(string shardsFolder)
    {
        if (!Directory.Exists(shardsFolder)) return null;
        var shards = Directory.EnumerateDirectories(shardsFolder)
            .Select(d => (Path: d, Ok: Shard.TryParseFolderName(Path.GetFileName(d), out var shard), Shard: shard))
            .Where(s => s.Ok).ToList();
        foreach (var group in shards.GroupBy(s => (s.Shard.Count, s.Shard.Models)).OrderByDescending(g => g.Key.Count * g.Key.Models))
            if (group.Select(s => (s.Shard.Index, s.Shard.Model)).Distinct().Count() == group.Key.Count * group.Key.Models)
                return group.OrderBy(s => s.Shard.Index).ThenBy(s => s.Shard.Model).Select(s => s.Path).ToList();
        return null;
    }

    /// <summary>The stages that depend, directly or not, on a root stage; with the roots themselves when <paramref name="includeRoots"/>.</summary>
    private static HashSet<string> Downstream(IReadOnlyList<StageDefinition> order, Dictionary<string, IReadOnlyList<string>> dependencies,
        Func<string, bool> isRoot, bool includeRoots)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var downstream = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in order)
        {
            bool below = dependencies[stage.Name].Any(reached.Contains);
            if (below || (includeRoots && isRoot(stage.Name))) downstream.Add(stage.Name);
            if (below || isRoot(stage.Name)) reached.Add(stage.Name);
        }
        return downstream;
    }

    private static Dictionary<string, ResolvedSetting> Resolve(PipelineDefinition definition, StageDefinition stage, PipelineStage kind,
        IReadOnlyDictionary<string, string> outputs)
    {
        var resolved = new Dictionary<string, ResolvedSetting>(StringComparer.Ordinal);
        foreach (var setting in kind.Settings)
        {
            var given = stage.Settings.GetValueOrDefault(setting.Name);
            var scalars = given is not null
                ? given.Scalars().Select(v => (Text: v.Scalar!, Location: (SourceLocation?)v.Location)).ToList()
                : setting.Default is { } d ? [(d, null)] : [];
            var values = new List<string>();
            foreach (var (text, location) in scalars)
            {
                var value = PipelineYaml.Substitute(text, name => outputs[name]);
                if (setting.Kind is not (SettingKind.InputPath or SettingKind.InputPaths))
                {
                    values.Add(value);
                    continue;
                }
                var pattern = Path.GetFullPath(Path.Combine(definition.Root, value));
                var matches = PathGlob.Expand(pattern);
                if (PathGlob.FirstMissing(pattern) is { } missing)
                {
                    var message = $"stage '{stage.Name}', setting '{setting.Name}': input not found: {missing}";
                    throw location is null ? new InputException(message, definition.Path) : PipelineYaml.Error(location, message);
                }
                values.AddRange(matches);
            }
            resolved[setting.Name] = new ResolvedSetting(setting, values, given?.Location);
        }
        return resolved;
    }
}
