using QuantaDiscovery.Common;
using QuantaDiscovery.Tables;

namespace QuantaDiscovery.Pipeline;

/// <summary>
/// Combines the outputs of <c>losses</c> shards (contiguous document blocks, see <see cref="Shard"/>) into the folder
/// one unsharded run writes: every token table (.parquet) concatenated in shard order, which is document order
/// (checked), each .npy beside a table rebuilt from the merged table, and every other file (models.csv), which
/// all shards must hold identically, copied once.
/// </summary>
public static class LossShardMerge
{
    /// <summary>
    /// The shard folders of <paramref name="inputs"/>: each a shard output folder, or a folder of <c>i-of-N</c>
    /// shard folders (a <c>*.shards</c> folder) standing for all of them. Folders named <c>i-of-N</c> sort by i.
    /// </summary>
    public static IReadOnlyList<string> ShardFolders(IEnumerable<string> inputs)
    {
        var folders = new List<string>();
        foreach (var input in inputs)
        {
            if (!Directory.Exists(input)) throw new InputException("shard folder not found", input);
            folders.AddRange(PipelineRunner.CompleteShardSet(input) is { } set && !File.Exists(Path.Combine(input, "models.csv")) ? set : [input]);
        }
        return folders.Select((f, i) => (Folder: Path.GetFullPath(f), Order: Shard.TryParseFolderName(Path.GetFileName(f.TrimEnd(Path.DirectorySeparatorChar)), out var s) ? s.Index : i))
            .OrderBy(f => f.Order).Select(f => f.Folder).ToList();
    }

    public static async Task MergeAsync(IReadOnlyList<string> shardFolders, string outputFolder, CancellationToken cancellationToken = default)
    {
        if (shardFolders.Count == 0) throw new ArgumentException("no shard folders to merge", nameof(shardFolders));
        Directory.CreateDirectory(outputFolder);
        var files = Directory.EnumerateFiles(shardFolders[0], "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(shardFolders[0], f)).Order(StringComparer.Ordinal).ToList();
        foreach (var shard in shardFolders.Skip(1))
        {
            var others = Directory.EnumerateFiles(shard, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(shard, f)).ToHashSet();
            if (!others.SetEquals(files))
                throw new InputException($"shards hold different files: {string.Join(", ", others.Except(files).Concat(files.Except(others)))}", shard);
        }
        var tables = files.Where(f => f.EndsWith(".parquet", StringComparison.Ordinal)).ToHashSet();
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = Path.Combine(outputFolder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (tables.Contains(file))
                await ConcatenateAsync(shardFolders.Select(s => Path.Combine(s, file)).ToList(), target, cancellationToken);
            else if (file.EndsWith(".npy", StringComparison.Ordinal) && tables.Contains(Path.ChangeExtension(file, ".parquet")))
                continue;
            else
                CopyIdentical(shardFolders.Select(s => Path.Combine(s, file)).ToList(), target);
        }
        foreach (var npy in files.Where(f => f.EndsWith(".npy", StringComparison.Ordinal) && tables.Contains(Path.ChangeExtension(f, ".parquet"))))
            LossMatrix.ExportNpy(Path.Combine(outputFolder, Path.ChangeExtension(npy, ".parquet")), Path.Combine(outputFolder, npy));
    }

    private static async Task ConcatenateAsync(IReadOnlyList<string> parts, string target, CancellationToken cancellationToken)
    {
        TokenTableWriter? writer = null;
        long lastDoc = long.MinValue;
        try
        {
            foreach (var part in parts)
            {
                await using var reader = await TokenTableReader.OpenAsync(part, cancellationToken);
                writer ??= TokenTableWriter.Create(target, reader.Schema);
                if (!reader.LossColumns.SequenceEqual(writer.Schema.LossColumns) || reader.HasSet != writer.Schema.HasSet)
                    throw new InputException($"columns differ from the first shard's ({writer.Schema})", part);
                var table = await reader.ReadAllAsync(cancellationToken);
                if (table.RowCount > 0 && table.Doc[0] <= lastDoc)
                    throw new InputException($"document {table.Doc[0]} does not follow the previous shard's last document {lastDoc}: shards out of order or overlapping", part);
                var row = new float[table.LossColumns.Count];
                for (int r = 0; r < table.RowCount; r++)
                {
                    for (int c = 0; c < row.Length; c++) row[c] = table.Losses[c][r];
                    writer.Append(table.Doc[r], table.Pos[r], table.Token[r], row, table.Set?[r]);
                }
                if (table.RowCount > 0) lastDoc = table.Doc[^1];
            }
            await writer!.CompleteAsync(cancellationToken);
        }
        catch
        {
            writer?.Abort();
            throw;
        }
    }

    private static void CopyIdentical(IReadOnlyList<string> copies, string target)
    {
        var first = File.ReadAllBytes(copies[0]);
        foreach (var other in copies.Skip(1))
            if (!File.ReadAllBytes(other).AsSpan().SequenceEqual(first))
                throw new InputException($"differs from {copies[0]}: shards of one stage must agree on it", other);
        File.WriteAllBytes(target, first);
    }
}
