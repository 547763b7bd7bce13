using System.Globalization;
using System.Security.Cryptography;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Models;

/// <summary>
/// Checks each weight file against its recorded sha256 before it is read: in a hub-cache snapshot, against the name of
/// the blob it links to (Git LFS names blobs by their sha256); in a plain folder, against <c>SHA256SUMS</c> (the
/// <c>sha256sum</c> format), which the first use writes and every later use checks. A corrupted or truncated file is
/// refused with an error naming it.
/// </summary>
public static class WeightChecksums
{
    public const string FileName = "SHA256SUMS";

    public static void Verify(string folder, IReadOnlyList<string> weightFiles)
    {
        if (HubCache.IsSnapshot(folder))
        {
            foreach (var file in weightFiles)
                if (HubCache.BlobSha256(file) is { } expected) Check(file, expected, "its hub blob's name");
            return;
        }
        var sumsPath = Path.Combine(folder, FileName);
        var recorded = File.Exists(sumsPath) ? Read(sumsPath) : new Dictionary<string, string>(StringComparer.Ordinal);
        bool added = false;
        foreach (var file in weightFiles)
        {
            var name = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
            if (recorded.TryGetValue(name, out var expected)) Check(file, expected, sumsPath);
            else
            {
                recorded[name] = Hash(file);
                added = true;
            }
        }
        if (added) TryWrite(sumsPath, recorded);
    }

    public static string Hash(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void Check(string file, string expected, string source)
    {
        var actual = Hash(file);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            throw new InputException($"corrupted or truncated weight file: sha256 {actual} differs from {expected} recorded in {source}; " +
                                     "download it again (it was not used)", file);
    }

    private static Dictionary<string, string> Read(string path)
    {
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0) continue;
            int space = line.IndexOf(' ');
            if (space != 64 || line.Length < 67 || !line[..64].All(char.IsAsciiHexDigit))
                throw new InputException("not a sha256sum line: expected '<64 hex digits>  <file>'", path, i + 1);
            sums[line[66..].TrimStart('*')] = line[..64];
        }
        return sums;
    }

    /// <summary>Records the sums (temporary file, then rename); a read-only folder is left without them.</summary>
    private static void TryWrite(string path, Dictionary<string, string> sums)
    {
        var temporary = string.Create(CultureInfo.InvariantCulture, $"{path}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllLines(temporary, sums.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value}  {p.Key}"));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temporary); } catch (IOException) { }
        }
    }
}
