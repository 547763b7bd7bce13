namespace QuantaDiscovery.Common;

/// <summary>
/// How a file written into a folder names its inputs: relative to that folder when the input lies inside it (a stage's
/// own intermediate files, written before the pipeline renames the folder into place), absolute otherwise. A
/// relative path stays true when the folder is renamed or moved; an absolute one to a file elsewhere stays true too.
/// </summary>
public static class RecordedPath
{
    public static string Of(string path, string folder) =>
        IsInside(path, folder) ? Path.GetRelativePath(Path.GetFullPath(folder), Path.GetFullPath(path)).Replace(Path.DirectorySeparatorChar, '/') : Path.GetFullPath(path);

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies below it.</summary>
    public static bool IsInside(string path, string folder)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(folder), Path.GetFullPath(path));
        return relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }
}
