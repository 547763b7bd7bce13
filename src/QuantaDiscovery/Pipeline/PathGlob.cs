using System.Globalization;
using System.Text.RegularExpressions;

namespace QuantaDiscovery.Pipeline;

/// <summary>
/// Expands an absolute path pattern: <c>{first..last..step}</c> (a numeric range, step 1 when left out) into one path
/// per number, every one kept whether it exists or not, so that a missing checkpoint is reported rather than skipped;
/// then <c>*</c> and <c>?</c> in any part into the existing files and folders, in ordinal order.
/// </summary>
public static partial class PathGlob
{
    [GeneratedRegex(@"\{(\d+)\.\.(\d+)(?:\.\.(\d+))?\}")]
    private static partial Regex RangePattern();

    public static bool IsPattern(string path) => path.Contains('*') || path.Contains('?') || RangePattern().IsMatch(path);

    public static IReadOnlyList<string> Expand(string fullPath)
    {
        var range = RangePattern().Match(fullPath);
        if (range.Success)
        {
            if (!Common.NumericRange.TryParse(range.Value[1..^1], out var values)) return [];
            return values.SelectMany(value => Expand(string.Concat(fullPath.AsSpan(0, range.Index),
                value.ToString(CultureInfo.InvariantCulture), fullPath.AsSpan(range.Index + range.Length)))).ToList();
        }
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

    /// <summary>The first expansion that does not exist, or null when the pattern matches and every expansion exists.</summary>
    public static string? FirstMissing(string fullPath)
    {
        var matches = Expand(fullPath);
        if (matches.Count == 0) return fullPath;
        return matches.FirstOrDefault(m => !File.Exists(m) && !Directory.Exists(m));
    }
}
