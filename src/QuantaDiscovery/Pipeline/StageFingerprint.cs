using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Pipeline;

/// <summary>
/// The identity of a stage's output, as Hugging Face <c>datasets</c> fingerprints a transformation: SHA-256 over a
/// canonical JSON of the stage kind and version, every setting as written (defaults filled in, keys sorted,
/// <c>${stage.output}</c> left unsubstituted so moving the work folder keeps the cache), the fingerprints of the
/// stages it depends on, and the state of its input files.
/// Input files up to <see cref="ContentHashLimitBytes"/> enter by content hash; larger ones (model weights, corpora
/// of gigabytes) by path, size and modification time, which detects replaced files without re-reading them on
/// every run. Inputs inside the work folder are other stages' outputs: they enter through those stages' fingerprints.
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
        foreach (var path in inputFiles)
            if (!RecordedPath.IsInside(path, workFolder))
                foreach (var file in FilesOf(path))
                    inputs[file] = FileState(file);
        var canonical = JsonSerializer.Serialize(new
        {
            kind = kind.Kind,
            version = kind.Version,
            settings,
            upstream = new SortedDictionary<string, string>(upstream.ToDictionary(), StringComparer.Ordinal),
            inputs,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public const int FolderLength = 16;

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
