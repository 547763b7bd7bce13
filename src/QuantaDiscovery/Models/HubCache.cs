using System.Text.RegularExpressions;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Models;

/// <summary>
/// The Hugging Face hub cache, read offline: <c>&lt;cache&gt;/models--EleutherAI--pythia-70m-deduped/</c> holds
/// <c>refs/&lt;revision&gt;</c> (a file naming a commit; Pythia's revisions are named <c>step143000</c> and so on),
/// <c>snapshots/&lt;commit&gt;/</c> (the files of that commit, as links into <c>blobs/</c>) and <c>blobs/</c>, where a file
/// stored with Git LFS — every weight file — is named by its sha256.
/// A model path may name a ref file (<c>…/models--EleutherAI--pythia-70m-deduped/refs/step143000</c>, which a glob such as
/// <c>…/refs/step*</c> expands to) or a snapshot folder.
/// </summary>
public static partial class HubCache
{
    [GeneratedRegex("^models--(.+)--([^/]+)$")]
    private static partial Regex RepositoryFolderPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    /// <summary>The repository folder (models--org--name) holding this path as refs/&lt;rev&gt; or snapshots/&lt;commit&gt;, or null.</summary>
    private static (string Repository, string Name, string Kind, string Revision)? Locate(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        var revision = Path.GetFileName(full);
        var kindFolder = Path.GetDirectoryName(full);
        var repository = kindFolder is null ? null : Path.GetDirectoryName(kindFolder);
        if (repository is null || kindFolder is null) return null;
        var kind = Path.GetFileName(kindFolder);
        var match = RepositoryFolderPattern().Match(Path.GetFileName(repository));
        if (!match.Success || kind is not ("refs" or "snapshots")) return null;
        return (repository, match.Groups[2].Value, kind, revision);
    }

    /// <summary>
    /// The folder to read a model from: a ref file's snapshot (an error naming the ref when its snapshot is missing),
    /// or the path itself.
    /// </summary>
    public static string ResolveModelFolder(string path)
    {
        if (Locate(path) is not { Kind: "refs" } hub) return path;
        if (!File.Exists(path)) throw new InputException("hub ref not found", path);
        var commit = File.ReadAllText(path).Trim();
        if (commit.Length == 0 || commit.Any(c => !char.IsAsciiHexDigit(c)))
            throw new InputException($"not a hub ref: expected a commit hash, found '{commit[..Math.Min(commit.Length, 40)]}'", path);
        var snapshot = Path.Combine(hub.Repository, "snapshots", commit);
        if (!Directory.Exists(snapshot))
            throw new InputException($"revision {hub.Revision} points to commit {commit}, whose snapshot folder is missing", snapshot);
        return snapshot;
    }

    /// <summary>
    /// The path as it would be in the plain layout, &lt;name&gt;/&lt;revision&gt;, for naming checkpoints
    /// (…/models--EleutherAI--pythia-70m/refs/step1000 → …/pythia-70m/step1000); other paths unchanged.
    /// </summary>
    public static string LogicalPath(string path) =>
        Locate(path) is { } hub ? Path.Combine(Path.GetDirectoryName(hub.Repository)!, hub.Name, hub.Revision) : path;

    /// <summary>Whether <paramref name="folder"/> is a snapshot folder of a hub cache.</summary>
    public static bool IsSnapshot(string folder) => Locate(folder) is { Kind: "snapshots" };

    /// <summary>The sha256 a snapshot file's blob is named by (a Git LFS file), or null when the link's target is not so named.</summary>
    public static string? BlobSha256(string snapshotFile)
    {
        var info = new FileInfo(snapshotFile);
        var target = info.LinkTarget;
        if (target is null) return null;
        var name = Path.GetFileName(target);
        return Sha256Pattern().IsMatch(name) ? name : null;
    }
}
