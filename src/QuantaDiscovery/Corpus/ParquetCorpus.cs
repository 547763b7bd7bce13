using System.Runtime.CompilerServices;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using QuantaDiscovery.Common;
using QuantaDiscovery.Tables;

namespace QuantaDiscovery.Corpus;

/// <summary>
/// A Pile-format corpus stored as Parquet, read one row group at a time: a string <c>text</c> column, and the
/// set name in a <c>meta</c> struct (<c>meta.pile_set_name</c>), a flat <c>pile_set_name</c> column, or a
/// <c>meta</c> string column holding JSON (as some exports of the Pile do).
/// </summary>
internal static class ParquetCorpus
{
    public static async IAsyncEnumerable<CorpusDocument> ReadAsync(string path, CorpusReadOptions options,
        CorpusReadReport report, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (options.MaxDocuments == 0) yield break;
        await using var reader = await ParquetFiles.OpenAsync(path, cancellationToken);
        var fields = reader.Schema.GetDataFields();
        var text = FindStringColumn(fields, path, "text")
            ?? throw new InputException(
                $"no 'text' column; the file has columns: {string.Join(", ", fields.Select(ParquetFiles.ColumnName))}", path);
        var setName = FindStringColumn(fields, path, "meta.pile_set_name") ?? FindStringColumn(fields, path, "pile_set_name");
        var metaJson = setName is null ? FindStringColumn(fields, path, "meta") : null;

        long firstRow = 0, yielded = 0;
        for (int group = 0; group < reader.RowGroupCount; group++)
        {
            var rowGroup = reader.OpenRowGroupReader(group);
            int rows = checked((int)rowGroup.RowCount);
            var texts = await ParquetFiles.ReadStringsAsync(rowGroup, text, rows, cancellationToken);
            var sets = (setName ?? metaJson) is { } setColumn
                ? await ParquetFiles.ReadStringsAsync(rowGroup, setColumn, rows, cancellationToken)
                : null;
            for (int i = 0; i < rows; i++)
            {
                long index = firstRow + i;
                if (texts[i] is not { } documentText)
                {
                    if (!options.SkipBadLines)
                        throw new InputException("'text' is null", path, documentIndex: index);
                    report.RecordSkip(new SkippedDocument(index, $"document {index}", "'text' is null"));
                    continue;
                }
                var set = metaJson is null ? sets?[i] : SetNameFromJson(sets![i], path, index);
                report.DocumentsRead++;
                yield return new CorpusDocument(index, documentText, set);
                if (++yielded == options.MaxDocuments) yield break;
            }
            firstRow += rows;
        }
    }

    /// <summary>The column named <paramref name="columnName"/> (nested: "meta.pile_set_name"); it must hold strings.</summary>
    private static DataField? FindStringColumn(DataField[] fields, string path, string columnName)
    {
        var field = fields.FirstOrDefault(f => ParquetFiles.ColumnName(f) == columnName);
        if (field is null) return null;
        if (field.ClrType != typeof(ReadOnlyMemory<char>) || field.MaxRepetitionLevel > 0)
            throw new InputException(
                $"column '{ParquetFiles.ColumnName(field)}' holds {(field.MaxRepetitionLevel > 0 ? "lists" : field.ClrType.Name)}, expected strings",
                path);
        return field;
    }

    private static string? SetNameFromJson(string? meta, string path, long index)
    {
        if (meta is null) return null;
        try
        {
            using var json = JsonDocument.Parse(meta);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("pile_set_name", out var name)
                && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
        }
        catch (JsonException e)
        {
            throw new InputException($"'meta' is not valid JSON: {e.Message}", path, documentIndex: index);
        }
    }
}
