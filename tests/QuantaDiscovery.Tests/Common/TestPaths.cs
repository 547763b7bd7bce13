namespace QuantaDiscovery.Tests.Common;

/// <summary>Locates files of the repository from the test output folder.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>A path relative to the repository root, e.g. "tests/QuantaDiscovery.Tests/Tokenize/data/cases.jsonl".</summary>
    public static string InRepo(string relativePath) => Path.Combine(RepoRoot, relativePath);

    /// <summary>A fresh, empty temporary folder for one test.</summary>
    public static string NewTempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "quanta-tests", Guid.NewGuid().ToString("N"));
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
