namespace QuantaDiscovery.Common;

/// <summary>
/// Bad user input: a file that cannot be read as what it claims to be. The message always names the
/// file and, where known, the line (1-based) or document index (0-based) at fault, so a user can go
/// straight to it. The CLI prints the message alone (no stack trace) and exits with code 2.
/// </summary>
public sealed class InputException : Exception
{
    public string? FilePath { get; }
    public long? Line { get; }
    public long? DocumentIndex { get; }

    /// <summary>The column (1-based) within <see cref="Line"/>, for text formats such as YAML.</summary>
    public long? Column { get; }

    public InputException(string message, string? filePath = null, long? line = null, long? documentIndex = null,
        Exception? inner = null, long? column = null)
        : base(Compose(message, filePath, line, documentIndex, column), inner)
    {
        FilePath = filePath;
        Line = line;
        DocumentIndex = documentIndex;
        Column = column;
    }

    /// <summary>A setting outside its allowed range: names the setting, its value and what it must be.</summary>
    public static InputException Invalid(string setting, object? value, string requirement) =>
        new(value is null ? $"{setting}: {requirement}" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{setting} = {value}: {requirement}"));

    private static string Compose(string message, string? filePath, long? line, long? documentIndex, long? column)
    {
        var where = filePath ?? "";
        if (line is { } l) where += $":{l}";
        if (line is not null && column is { } c) where += $":{c}";
        if (documentIndex is { } d) where += $" (document {d})";
        return where.Length == 0 ? message : $"{where}: {message}";
    }
}
