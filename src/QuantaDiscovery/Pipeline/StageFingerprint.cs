using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Pipeline;

/// <summary>
/// The identity of a stage's output, as Hugging Face <c>datasets</c> fingerprints a transformation: SHA-256 over a
/// canonical JSON of the stage kind and its code's version (<see cref="PipelineStage.CodeVersion"/>), every setting as
/// written (defaults filled in, keys sorted, <c>${stage.output}</c> left unsubstituted so moving the work folder keeps
/// the cache), the fingerprints of the stages it depends on, and the state of its input files.
/// Input files are named by their place among the stage's inputs (the input's index, then the path inside a folder
/// input), never by absolute path, so a moved or re-cloned study keeps its cache. Files up to
/// <see cref="ContentHashLimitBytes"/> enter by content hash; larger ones (model weights, corpora of gigabytes) by size
/// and modification time, which detects replaced files without re-reading them on every run (a fresh clone, whose
/// files are new, recomputes the stages that read such files). Inputs inside the work folder are other stages'
/// outputs: they enter through those stages' fingerprints.
/// </summary>
public static class StageFingerprint
{
    public const long ContentHashLimitBytes = 64L << 20;

    /// <summary>The hex fingerprint; its first <see cref="FolderLength"/> characters name the output folder.</summary>
    public static string Compute(StageDefinition stage, PipelineStage kind, IReadOnlyDictionary<string, string> upstream,
        IEnumerable<string> inputFiles, string workFolder)
    {
        var settings = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var setting in kind.Settings)
            settings[setting.Name] = stage.Settings.TryGetValue(setting.Name, out var value)
                ? value.IsList ? value.Items!.Select(i => i.Scalar).ToArray() : value.Scalar
                : setting.Default;
        var inputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var path in inputFiles)
        {
            if (!RecordedPath.IsInside(path, workFolder))
                foreach (var (name, state) in FileStates(path))
                    inputs[string.Create(CultureInfo.InvariantCulture, $"{index}:{name}")] = state;
            index++;
        }
        var canonical = JsonSerializer.Serialize(new
        {
            kind = kind.Kind,
            code = kind.CodeVersion,
            settings,
            upstream = new SortedDictionary<string, string>(upstream.ToDictionary(), StringComparer.Ordinal),
            inputs,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public const int FolderLength = 16;

    /// <summary>
    /// What identifies the content of these input paths without naming where they lie: for a path inside the work
    /// folder, its place there (which begins with the writing stage's name and fingerprint); for one outside, the state
    /// of each of its files as the fingerprint takes it (content hash, or size and time for large files).
    /// </summary>
    public static string InputIdentity(IEnumerable<string> paths, string workFolder)
    {
        var parts = paths.Select(path => RecordedPath.IsInside(path, workFolder)
            ? (object)new { work = RecordedPath.Of(path, workFolder) }
            : new { files = new SortedDictionary<string, string>(FileStates(path).ToDictionary(), StringComparer.Ordinal) }).ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(parts))));
    }

    /// <summary>The files of an input path by their name inside it (a file's own name), each with its state.</summary>
    private static IEnumerable<(string Name, string State)> FileStates(string path) =>
        FilesOf(path).Select(file => (Directory.Exists(path) ? Path.GetRelativePath(path, file).Replace('\\', '/') : Path.GetFileName(file), FileState(file)));

    /// <summary>The files of an input; a model folder's SHA256SUMS is left out: its first use writes it, and it only
    /// records the weight files, which are fingerprinted themselves.</summary>
    private static IEnumerable<string> FilesOf(string path) =>
        Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(f) != Models.WeightChecksums.FileName).Order(StringComparer.Ordinal)
            : File.Exists(path) ? [path] : [];

    private static string FileState(string file)
    {
        var info = new FileInfo(file);
        if (info.Length > ContentHashLimitBytes)
            return string.Create(CultureInfo.InvariantCulture, $"size={info.Length};mtime={info.LastWriteTimeUtc.Ticks}");
        using var stream = File.OpenRead(file);
        return "sha256=" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
