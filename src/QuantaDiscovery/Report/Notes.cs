namespace QuantaDiscovery.Report;

/// <summary>
/// Findings a stage states in words rather than plots (a quantity that is zero everywhere, counts and shares), one
/// sentence per line in <c>notes.txt</c>; the report index shows them at the top of the stage's section.
/// </summary>
public static class Notes
{
    public const string FileName = "notes.txt";

    public static IReadOnlyList<string> Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToArray() : [];
    }
}
