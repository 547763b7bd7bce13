namespace QuantaDiscovery.Pipeline;

/// <summary>Expands <c>*</c> and <c>?</c> in any part of an absolute path to the existing files and folders, in ordinal order.</summary>
public static class PathGlob
{
    public static IReadOnlyList<string> Expand(string fullPath)
    {
        if (!fullPath.Contains('*') && !fullPath.Contains('?')) return [fullPath];
        var root = Path.GetPathRoot(fullPath)!;
        var parts = fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        IEnumerable<string> matches = [root];
        for (int i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            bool last = i == parts.Length - 1;
            matches = part.Contains('*') || part.Contains('?')
                ? matches.Where(Directory.Exists).SelectMany(m => Directory.EnumerateFileSystemEntries(m, part).Order(StringComparer.Ordinal))
                : matches.Select(m => Path.Combine(m, part)).Where(m => last ? File.Exists(m) || Directory.Exists(m) : Directory.Exists(m));
        }
        return matches.ToList();
    }
}
