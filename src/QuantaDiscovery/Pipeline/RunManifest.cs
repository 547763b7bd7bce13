using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantaDiscovery.Pipeline;

/// <summary>One entry of manifest.json: a stage (or one shard of it, keyed <c>name[i/N]</c>) and what became of it.</summary>
public sealed record ManifestEntry(string Kind, string Fingerprint, StageStatus Status, string? Output, double Seconds, DateTime FinishedUtc,
    string? Error = null);

/// <summary>
/// <c>&lt;work&gt;/manifest.json</c>: what each stage last did. Updated under a lock file and written to a temporary
/// name then renamed, so processes sharing a work folder (shards on a cluster) never see a half-written manifest.
/// The outputs themselves are the ground truth: a stage's folder appears (by rename) only once it is complete.
/// </summary>
public sealed class RunManifest(string workFolder)
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string Path { get; } = System.IO.Path.Combine(workFolder, "manifest.json");

    public IReadOnlyDictionary<string, ManifestEntry> Read() =>
        File.Exists(Path)
            ? JsonSerializer.Deserialize<SortedDictionary<string, ManifestEntry>>(File.ReadAllText(Path), JsonOptions) ?? []
            : new SortedDictionary<string, ManifestEntry>();

    public void Record(string key, ManifestEntry entry)
    {
        using var _ = AcquireLock();
        var entries = new SortedDictionary<string, ManifestEntry>(Read().ToDictionary(), StringComparer.Ordinal) { [key] = entry };
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(entries, JsonOptions));
        File.Move(temporary, Path, overwrite: true);
    }

    private FileStream AcquireLock()
    {
        var lockPath = Path + ".lock";
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(50);
            }
        }
    }
}
