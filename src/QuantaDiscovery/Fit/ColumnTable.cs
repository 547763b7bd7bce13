using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;
using QuantaDiscovery.Common;
using QuantaDiscovery.Tables;

namespace QuantaDiscovery.Fit;

/// <summary>
/// A small table read whole from CSV (header row, comma-separated, invariant culture, optional double quotes, blank
/// lines skipped) or
/// Parquet (Parquet.Net). Columns are fetched by name; errors name the file and the CSV line or Parquet row.
/// </summary>
public sealed class ColumnTable
{
    private readonly Dictionary<string, string[]> _text = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double[]> _numbers = new(StringComparer.Ordinal);
    private readonly int[]? _csvLines;

    public string Path { get; }
    public IReadOnlyList<string> Columns { get; }
    public int RowCount { get; }

    /// <param name="csvLines">for CSV, the 1-based line of each data row</param>
    private ColumnTable(string path, IReadOnlyList<string> columns, int rowCount, int[]? csvLines)
    {
        Path = path;
        Columns = columns;
        RowCount = rowCount;
        _csvLines = csvLines;
    }

    public bool Has(string column) => Columns.Contains(column, StringComparer.Ordinal);

    /// <summary>Reads a .csv or .parquet file, chosen by extension.</summary>
    public static async Task<ColumnTable> ReadAsync(string path, CancellationToken cancellation = default)
    {
        if (!File.Exists(path))
            throw new InputException("file not found", path);
        return System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => ReadCsv(path),
            ".parquet" => await ReadParquetAsync(path, cancellation),
            var other => throw new InputException($"unsupported table format '{other}': expected .csv or .parquet", path),
        };
    }

    /// <summary>The values of a numeric column; NaN, infinities and text are errors naming the row.</summary>
    public double[] Numbers(string column)
    {
        RequireColumn(column);
        if (_numbers.TryGetValue(column, out var numbers))
        {
            for (int row = 0; row < numbers.Length; row++)
                if (!double.IsFinite(numbers[row]))
                    throw RowError(row, $"column '{column}' holds {numbers[row]}, not a finite number");
            return numbers;
        }
        var text = _text[column];
        var parsed = new double[text.Length];
        for (int row = 0; row < text.Length; row++)
        {
            if (!double.TryParse(text[row], NumberStyles.Float, CultureInfo.InvariantCulture, out parsed[row])
                || !double.IsFinite(parsed[row]))
                throw RowError(row, $"column '{column}' holds '{text[row]}', not a finite number");
        }
        return parsed;
    }

    /// <summary>The values of a column as text (numbers formatted in invariant culture).</summary>
    public string[] Strings(string column)
    {
        RequireColumn(column);
        if (_text.TryGetValue(column, out var text)) return text;
        return _numbers[column].Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>An input error located at a data row (0-based): the CSV line, or the Parquet row index.</summary>
    public InputException RowError(int row, string message) => _csvLines is not null
        ? new InputException(message, Path, line: _csvLines[row])
        : new InputException($"row {row}: {message}", Path);

    public void RequireColumn(string column)
    {
        if (!Has(column))
            throw new InputException($"no column '{column}'; the columns are: {string.Join(", ", Columns)}", Path);
    }

    private static ColumnTable ReadCsv(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path, Encoding.UTF8); }
        catch (IOException e) { throw new InputException($"cannot read: {e.Message}", path, inner: e); }
        if (lines.Length == 0 || lines[0].Trim().Length == 0)
            throw new InputException("empty CSV: expected a header row", path, line: 1);
        var header = SplitCsvLine(lines[0], path, 1).Select(h => h.TrimStart('\uFEFF')).ToArray();
        var duplicate = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InputException($"column '{duplicate.Key}' appears twice in the header", path, line: 1);
        var rows = new List<string[]>();
        var lineNumbers = new List<int>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var fields = SplitCsvLine(lines[i], path, i + 1);
            if (fields.Length != header.Length)
                throw new InputException($"{fields.Length} fields but the header has {header.Length}", path, line: i + 1);
            rows.Add(fields);
            lineNumbers.Add(i + 1);
        }
        var table = new ColumnTable(path, header, rows.Count, lineNumbers.ToArray());
        for (int c = 0; c < header.Length; c++)
            table._text[header[c]] = rows.Select(r => r[c]).ToArray();
        return table;
    }

    private static string[] SplitCsvLine(string line, string path, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { fields.Add(field.ToString().Trim()); field.Clear(); }
            else field.Append(ch);
        }
        if (quoted) throw new InputException("unterminated quoted field", path, line: lineNumber);
        fields.Add(field.ToString().Trim());
        return fields.ToArray();
    }

    private static async Task<ColumnTable> ReadParquetAsync(string path, CancellationToken cancellation)
    {
        try
        {
            await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellation);
            var fields = reader.Schema.DataFields;
            var table = new ColumnTable(path, fields.Select(f => f.Name).ToArray(), ParquetColumns.RowCount(reader), csvLines: null);
            foreach (var field in fields)
            {
                if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
                    table._text[field.Name] = await ParquetColumns.ReadStringsAsync(reader, field, cancellation);
                else
                    table._numbers[field.Name] = await ParquetColumns.ReadAsDoubleAsync(reader, field, path, cancellation);
            }
            return table;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException)
        {
            throw new InputException($"cannot read as Parquet: {e.Message}", path, inner: e);
        }
    }
}
