using QuantaDiscovery.Common;
using QuantaDiscovery.Fit;
using QuantaDiscovery.Pipeline;
using QuantaDiscovery.Tables;

namespace QuantaDiscovery.Score;

/// <summary>
/// Combines the outputs of <c>losses</c> shards (contiguous document blocks, and with models split one model folder
/// each; see <see cref="Shard"/>) into the folder one unsharded run writes:
/// <list type="bullet">
/// <item>each model's table (losses/&lt;model&gt;.parquet): its shards' tables concatenated in block order, which is
/// document order (checked);</item>
/// <item>loss_matrix.parquet: concatenated the same way, or, with models split, built by zipping the models' tables row
/// by row (the same (doc, pos, token) in every one, checked), in the order of the models list;</item>
/// <item>each .npy beside a table rebuilt from the merged table; models.csv: one row per model, in list order; every
/// other file, which all shards must hold identically, copied once.</item>
/// </list>
/// Tables are streamed one row group at a time, so memory is bounded by a row group per open table, not by the corpus.
/// </summary>
public static class LossShardMerge
{
    private const string ModelsCsv = "models.csv";

    /// <summary>
    /// The shard folders of <paramref name="inputs"/>: each a shard output folder, or a folder of shard folders (a
    /// <c>*.shards</c> folder) standing for its complete set. Folders named as shards (<c>i-of-N</c>,
    /// <c>i-of-N.model-m-of-M</c>) sort by block then model; others keep the order given.
    /// </summary>
    public static IReadOnlyList<string> ShardFolders(IEnumerable<string> inputs)
    {
        var folders = new List<string>();
        foreach (var input in inputs)
        {
            if (!Directory.Exists(input)) throw new InputException("shard folder not found", input);
            folders.AddRange(PipelineRunner.CompleteShardSet(input) is { } set && !File.Exists(Path.Combine(input, ModelsCsv)) ? set : [input]);
        }
        return folders.Select((f, i) => (Folder: Path.GetFullPath(f), Shard: ShardOf(f, i)))
            .OrderBy(f => f.Shard.Index).ThenBy(f => f.Shard.Model).Select(f => f.Folder).ToList();
    }

    /// <param name="shardFolders">ordered by document block, then model (as <see cref="ShardFolders"/> gives them)</param>
    public static async Task MergeAsync(IReadOnlyList<string> shardFolders, string outputFolder, CancellationToken cancellationToken = default)
    {
        if (shardFolders.Count == 0) throw new ArgumentException("no shard folders to merge", nameof(shardFolders));
        var grid = Grid(shardFolders);
        int models = grid[0].Count;
        Directory.CreateDirectory(outputFolder);

        // Model part m holds the same files in every block; the parts of one block hold different tables.
        var filesOfPart = Enumerable.Range(0, models).Select(m => Files(grid[0][m])).ToList();
        for (int block = 1; block < grid.Count; block++)
            for (int m = 0; m < models; m++)
            {
                var files = Files(grid[block][m]);
                if (!files.SetEquals(filesOfPart[m]))
                    throw new InputException($"shards hold different files: {string.Join(", ", files.Except(filesOfPart[m]).Concat(filesOfPart[m].Except(files)))}",
                        grid[block][m]);
            }

        var tables = new List<string>();
        for (int m = 0; m < models; m++)
            foreach (var table in filesOfPart[m].Where(IsTable).Order(StringComparer.Ordinal))
            {
                var target = Path.Combine(outputFolder, table);
                if (File.Exists(target)) throw new InputException($"two model shards both hold {table}", grid[0][m]);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await ConcatenateAsync(grid.Select(parts => Path.Combine(parts[m], table)).ToList(), target, cancellationToken);
                tables.Add(table);
            }

        MergeModelsCsv(grid, outputFolder);
        var names = (await ColumnTable.ReadAsync(Path.Combine(outputFolder, ModelsCsv), cancellationToken)).Strings("name");
        var matrix = CorpusScoring.MatrixFileStem + ".parquet";
        if (models > 1 && names.Length > 1)
        {
            var modelTables = Enumerable.Range(0, models).Select(m => filesOfPart[m].Single(IsTable)).ToList();
            await ZipAsync(modelTables.Select(t => Path.Combine(outputFolder, t)).ToList(), names, Path.Combine(outputFolder, matrix), cancellationToken);
            await RowMajorLossMatrix.ExportNpyAsync(Path.Combine(outputFolder, matrix), Path.Combine(outputFolder, CorpusScoring.MatrixFileStem + ".npy"), names, cancellationToken);
        }

        foreach (var file in filesOfPart[0].Where(f => !IsTable(f) && f != ModelsCsv).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var besideTable = Path.ChangeExtension(file, ".parquet");
            if (file.EndsWith(".npy", StringComparison.Ordinal) && tables.Contains(besideTable))
                await RowMajorLossMatrix.ExportNpyAsync(Path.Combine(outputFolder, besideTable), Path.Combine(outputFolder, file), cancellationToken: cancellationToken);
            else
                CopyIdentical(grid.SelectMany(parts => parts).Select(s => Path.Combine(s, file)).ToList(), Path.Combine(outputFolder, file));
        }
    }

    /// <summary>The folders as [block][model]: by their shard names, or each its own block when not named as shards.</summary>
    private static List<List<string>> Grid(IReadOnlyList<string> shardFolders)
    {
        var shards = shardFolders.Select((f, i) => (Folder: f, Shard: ShardOf(f, i))).ToList();
        int models = shards[0].Shard.Models;
        if (shards.Any(s => s.Shard.Models != models))
            throw new InputException("shards split the models in different ways", shardFolders[0]);
        var grid = shards.GroupBy(s => s.Shard.Index).OrderBy(g => g.Key)
            .Select(g => g.OrderBy(s => s.Shard.Model).Select(s => s.Folder).ToList()).ToList();
        foreach (var (parts, block) in grid.Select((parts, block) => (parts, block)))
            if (parts.Count != models)
                throw new InputException($"document block {block} has {parts.Count} model shards, expected {models}", parts[0]);
        return grid;
    }

    private static Shard ShardOf(string folder, int position) =>
        Shard.TryParseFolderName(Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)), out var shard) ? shard : new Shard(position, int.MaxValue);

    private static HashSet<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).ToHashSet();

    private static bool IsTable(string file) => file.EndsWith(".parquet", StringComparison.Ordinal);

    /// <summary>The tables of consecutive document blocks, one after another, row group by row group.</summary>
    private static async Task ConcatenateAsync(IReadOnlyList<string> parts, string target, CancellationToken cancellationToken)
    {
        TokenTableWriter? writer = null;
        long lastDoc = long.MinValue;
        try
        {
            foreach (var part in parts)
            {
                await using var reader = await TokenTableReader.OpenAsync(part, cancellationToken);
                writer ??= await TokenTableWriter.CreateAsync(target, reader.Schema, cancellationToken: cancellationToken);
                if (!reader.LossColumns.SequenceEqual(writer.Schema.LossColumns) || reader.HasSet != writer.Schema.HasSet)
                    throw new InputException($"columns differ from the first shard's ({writer.Schema})", part);
                bool first = true;
                await foreach (var group in reader.ReadRowGroupsAsync(cancellationToken))
                {
                    if (first && group.RowCount > 0 && group.Doc[0] <= lastDoc)
                        throw new InputException($"document {group.Doc[0]} does not follow the previous shard's last document {lastDoc}: shards out of order or overlapping", part);
                    first &= group.RowCount == 0;
                    var row = new float[group.LossColumns.Count];
                    for (int r = 0; r < group.RowCount; r++)
                    {
                        for (int c = 0; c < row.Length; c++) row[c] = group.Losses[c][r];
                        writer.Append(group.Doc[r], group.Pos[r], group.Token[r], row, group.Set?[r]);
                    }
                    if (group.RowCount > 0) lastDoc = group.Doc[^1];
                    await writer.FlushAsync(cancellationToken);
                }
            }
            await writer!.CompleteAsync(cancellationToken);
        }
        catch
        {
            if (writer is not null) await writer.DiscardAsync();
            throw;
        }
    }

    /// <summary>
    /// The loss matrix from single-model tables over the same tokens: row r holds row r of every table, each table's
    /// loss under its model's name. Each table is read one row group at a time, whatever its row-group boundaries.
    /// </summary>
    private static async Task ZipAsync(IReadOnlyList<string> modelTables, IReadOnlyList<string> names, string target, CancellationToken cancellationToken)
    {
        var readers = new List<TokenTableReader>();
        TokenTableWriter? writer = null;
        try
        {
            foreach (var table in modelTables) readers.Add(await TokenTableReader.OpenAsync(table, cancellationToken));
            var rows = readers[0].RowCount;
            foreach (var reader in readers)
            {
                if (reader.LossColumns.Count != 1 || reader.RowCount != rows || reader.HasSet != readers[0].HasSet)
                    throw new InputException($"expected one loss column over the {rows} rows of {modelTables[0]}", reader.Path);
            }
            writer = await TokenTableWriter.CreateAsync(target, TokenTableSchema.LossMatrix(names, readers[0].HasSet), cancellationToken: cancellationToken);
            var cursors = readers.Select(r => r.ReadRowGroupsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken)).ToList();
            var groups = new TokenTable?[cursors.Count];
            var offsets = new int[cursors.Count];
            var row = new float[cursors.Count];
            for (long r = 0; r < rows; r++)
            {
                for (int m = 0; m < cursors.Count; m++)
                {
                    while (groups[m] is null || offsets[m] == groups[m]!.RowCount)
                    {
                        if (!await cursors[m].MoveNextAsync()) throw new InputException($"ends before row {r}", modelTables[m]);
                        (groups[m], offsets[m]) = (cursors[m].Current, 0);
                    }
                    var (group, o, lead) = (groups[m]!, offsets[m], groups[0]!);
                    if (m > 0 && (group.Doc[o] != lead.Doc[offsets[0]] || group.Pos[o] != lead.Pos[offsets[0]] || group.Token[o] != lead.Token[offsets[0]]))
                        throw new InputException($"row {r} is (doc {group.Doc[o]}, pos {group.Pos[o]}, token {group.Token[o]}), but (doc {lead.Doc[offsets[0]]}, " +
                            $"pos {lead.Pos[offsets[0]]}, token {lead.Token[offsets[0]]}) in {modelTables[0]}: the models were not scored on the same tokens", modelTables[m]);
                    row[m] = group.Losses[0][o];
                }
                var first = groups[0]!;
                writer.Append(first.Doc[offsets[0]], first.Pos[offsets[0]], first.Token[offsets[0]], row, first.Set?[offsets[0]]);
                for (int m = 0; m < cursors.Count; m++) offsets[m]++;
                if (r % writer.RowGroupSize == writer.RowGroupSize - 1) await writer.FlushAsync(cancellationToken);
            }
            foreach (var cursor in cursors) await cursor.DisposeAsync();
            await writer.CompleteAsync(cancellationToken);
        }
        catch
        {
            if (writer is not null) await writer.DiscardAsync();
            throw;
        }
        finally
        {
            foreach (var reader in readers) await reader.DisposeAsync();
        }
    }

    /// <summary>models.csv of the whole suite: the header, then each model part's rows (equal across blocks), in model order.</summary>
    private static void MergeModelsCsv(List<List<string>> grid, string outputFolder)
    {
        var lines = new List<string>();
        for (int m = 0; m < grid[0].Count; m++)
        {
            var copies = grid.Select(parts => Path.Combine(parts[m], ModelsCsv)).ToList();
            var first = File.ReadAllLines(copies[0]);
            foreach (var other in copies.Skip(1))
                if (!File.ReadAllLines(other).SequenceEqual(first))
                    throw new InputException($"differs from {copies[0]}: shards of one model must agree on it", other);
            if (lines.Count == 0) lines.Add(first[0]);
            else if (first[0] != lines[0]) throw new InputException($"header differs from the first model shard's ({lines[0]})", copies[0]);
            lines.AddRange(first.Skip(1));
        }
        File.WriteAllLines(Path.Combine(outputFolder, ModelsCsv), lines);
    }

    private static void CopyIdentical(IReadOnlyList<string> copies, string target)
    {
        var first = File.ReadAllBytes(copies[0]);
        foreach (var other in copies.Skip(1))
            if (!File.ReadAllBytes(other).AsSpan().SequenceEqual(first))
                throw new InputException($"differs from {copies[0]}: shards of one stage must agree on it", other);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllBytes(target, first);
    }
}
