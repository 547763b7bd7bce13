namespace QuantaDiscovery.Common;

/// <summary>
/// A file written under <see cref="TemporaryPath"/> and published at <see cref="Path"/> (by rename) only by an explicit
/// <see cref="Complete"/>: disposing without it (an exception unwinding, a cancelled run) deletes the partial file, so
/// nothing truncated ever appears at <see cref="Path"/> and nothing half-written is left behind.
/// </summary>
public sealed class PublishedFile : IDisposable
{
    private bool _published;

    public PublishedFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    public string Path { get; }
    public string TemporaryPath => Path + ".tmp";

    /// <summary>Renames the finished temporary file to <see cref="Path"/>, replacing any earlier version.</summary>
    public void Complete()
    {
        File.Move(TemporaryPath, Path, overwrite: true);
        _published = true;
    }

    public void Dispose()
    {
        if (!_published) File.Delete(TemporaryPath);
    }

    /// <summary>Writes the file through <paramref name="writeTemporary"/> (given the temporary path), then publishes it.</summary>
    public static void Write(string path, Action<string> writeTemporary)
    {
        using var file = new PublishedFile(path);
        writeTemporary(file.TemporaryPath);
        file.Complete();
    }

    /// <inheritdoc cref="Write"/>
    public static async Task WriteAsync(string path, Func<string, Task> writeTemporary)
    {
        using var file = new PublishedFile(path);
        await writeTemporary(file.TemporaryPath);
        file.Complete();
    }
}
