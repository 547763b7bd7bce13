namespace QuantaDiscovery.Tests.Common;

/// <summary>Locates files of the repository from the test output folder.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>A path relative to the repository root, e.g. "tests/QuantaDiscovery.Tests/Tokenize/data/cases.jsonl".</summary>
    public static string InRepo(string relativePath) => Path.Combine(RepoRoot, relativePath);

    /// <summary>
    /// This test process's folder under the system's temporary folder. The folders of earlier test processes that have
    /// ended are deleted when it is made (the test host is stopped without running exit handlers), so the last run's
    /// files stay for inspection and runs no longer accumulate (they had reached 22 GB and filled the disk).
    /// </summary>
    private static readonly Lazy<string> RunFolder = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "quanta-tests");
        if (Directory.Exists(root))
            foreach (var earlier in Directory.EnumerateDirectories(root))
                if (!IsFolderOfLiveProcess(Path.GetFileName(earlier)))
                    try { Directory.Delete(earlier, recursive: true); }
                    catch (IOException) { }
                    catch (UnauthorizedAccessException) { }
        var path = Path.Combine(root, $"run-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    });

    /// <summary>Whether a folder named run-&lt;pid&gt;-… belongs to a process still running (other names: folders of older layouts, not).</summary>
    private static bool IsFolderOfLiveProcess(string name)
    {
        var parts = name.Split('-');
        if (parts.Length != 3 || parts[0] != "run" || !int.TryParse(parts[1], out int pid)) return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>A fresh, empty temporary folder for one test.</summary>
    public static string NewTempFolder()
    {
        var path = Path.Combine(RunFolder.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "QuantaDiscovery.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"QuantaDiscovery.sln not found above {AppContext.BaseDirectory}");
    }
}
