using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Pipeline;

/// <summary>
/// The steps of one stage, each cached on its own in <c>&lt;cache&gt;/&lt;step&gt;/&lt;key&gt;/</c>, so that a stage
/// rerun with only a late step's setting changed (the clustering's n-init, say) reuses the earlier steps' files.
/// A step's key is SHA-256 over a canonical JSON of the step's name, the code's version, its settings and the keys
/// of what it depends on: an earlier step's key, or an input's identity (<see cref="StageContext.InputIdentity"/>:
/// its content, or the fingerprint of the stage that wrote it — never an absolute path, so a moved or re-cloned study
/// keeps its cache). A step is computed in a private folder holding hard links to the earlier steps' files, published
/// atomically without them (<see cref="AtomicFolder"/>); every step's files, computed or reused, are then linked into
/// the stage's output folder, which so holds what an uncached run writes there.
/// </summary>
/// <param name="recompute">compute every step and replace its cached folder (a forced stage)</param>
public sealed class CachedSteps(string cacheFolder, string outputFolder, string codeVersion,
    IReadOnlyDictionary<string, string> inputs, Action<string>? log = null, bool recompute = false) : IStepRunner
{
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly List<string> _computed = [], _reused = [];

    /// <summary>The steps computed so far, in order.</summary>
    public IReadOnlyList<string> Computed => _computed;

    /// <summary>The steps whose files were taken from the cache, in order.</summary>
    public IReadOnlyList<string> Reused => _reused;

    public async Task<bool> RunAsync(string step, object settings, IReadOnlyList<string> dependsOn, Func<string, Task> compute)
    {
        if (_keys.ContainsKey(step)) throw new ArgumentException($"step '{step}' ran already", nameof(step));
        var key = Key(step, settings, dependsOn);
        var folder = Path.Combine(cacheFolder, step, key[..StageFingerprint.FolderLength]);
        bool computed = recompute || !Directory.Exists(folder);
        if (computed)
            await AtomicFolder.WriteAsync(folder, partial => ComputeBesideEarlierFilesAsync(step, partial, compute), replace: recompute);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            FileLink.LinkOrCopy(file, Path.Combine(outputFolder, Path.GetRelativePath(folder, file)));
        _keys[step] = key;
        (computed ? _computed : _reused).Add(step);
        log?.Invoke($"step {step}: {(computed ? "computed" : "reused")} ({Path.GetRelativePath(cacheFolder, folder)})");
        return computed;
    }

    private string Key(string step, object settings, IReadOnlyList<string> dependsOn)
    {
        var upstream = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in dependsOn)
            upstream[name] = _keys.TryGetValue(name, out var key) ? key
                : inputs.TryGetValue(name, out var identity) ? identity
                : throw new ArgumentException($"step '{step}' depends on '{name}', neither an earlier step nor an input", nameof(dependsOn));
        var canonical = JsonSerializer.Serialize(new { step, code = codeVersion, settings, upstream });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Runs <paramref name="compute"/> in <paramref name="partial"/> with the earlier steps' files linked in, then takes them out again.</summary>
    private async Task ComputeBesideEarlierFilesAsync(string step, string partial, Func<string, Task> compute)
    {
        var earlier = Directory.EnumerateFiles(outputFolder, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(outputFolder, file)).ToList();
        var before = new Dictionary<string, (long, DateTime)>(StringComparer.Ordinal);
        foreach (var name in earlier)
        {
            var linked = Path.Combine(partial, name);
            FileLink.LinkOrCopy(Path.Combine(outputFolder, name), linked);
            before[name] = State(linked);
        }
        await compute(partial);
        foreach (var name in earlier)
        {
            var linked = Path.Combine(partial, name);
            // a hard link shares its bytes with the cache: a step that rewrote an earlier step's file would have changed that step's cached output
            if (!File.Exists(linked) || State(linked) != before[name])
                throw new InvalidOperationException($"step '{step}' rewrote or removed '{name}', a file of an earlier step");
            File.Delete(linked);
        }
        foreach (var empty in Directory.EnumerateDirectories(partial, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
            if (!Directory.EnumerateFileSystemEntries(empty).Any()) Directory.Delete(empty);
    }

    private static (long Length, DateTime Written) State(string file)
    {
        var info = new FileInfo(file);
        return (info.Length, info.LastWriteTimeUtc);
    }
}
