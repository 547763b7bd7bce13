using System.Runtime.InteropServices;
using System.Text.Json;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Gradients;

/// <summary>
/// A float32 [rows, columns] .npy written row by row as rows are computed, resumable at block granularity: the data
/// go to <c>path.partial</c>, and after each block the data are flushed to disk and then <c>path.progress.json</c>
/// records how many units of work (documents, for gradients) are complete and the fingerprint of the settings. A run
/// killed at any moment leaves a progress record that is never ahead of the data; a new run with the same fingerprint
/// continues after the recorded units (rows written after the last record are written again, with the same values),
/// one with another fingerprint starts over. <see cref="Complete"/> renames the data to <c>path</c>.
/// </summary>
public sealed class StreamedRowFile : IDisposable
{
    private readonly FileStream _file;
    private readonly long _dataOffset;
    private readonly string _path;
    private readonly string _fingerprint;

    public int Rows { get; }
    public int Columns { get; }

    /// <summary>Units of work recorded as complete when the file was opened (0 for a fresh start).</summary>
    public int ResumedUnits { get; }

    /// <summary>Rows recorded as complete when the file was opened.</summary>
    public int ResumedRows { get; }

    public string PartialPath => _path + ".partial";
    public string ProgressPath => _path + ".progress.json";

    private sealed record Progress(string Fingerprint, int Rows, int Columns, int Units, int RowsDone);

    public StreamedRowFile(string path, int rows, int columns, string fingerprint)
    {
        (_path, Rows, Columns, _fingerprint) = (path, rows, columns, fingerprint);
        var previous = ReadProgress();
        bool resume = previous is not null && previous.Fingerprint == fingerprint && previous.Rows == rows && previous.Columns == columns
            && File.Exists(PartialPath);
        _file = new FileStream(PartialPath, resume ? FileMode.Open : FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        if (!resume)
        {
            File.Delete(ProgressPath);
            Npy.WriteHeader(_file, Npy.DescriptorOf<float>(), rows, columns);
            _dataOffset = _file.Position;
            _file.SetLength(_dataOffset + (long)rows * columns * sizeof(float));
            return;
        }
        (_, _, _dataOffset) = Npy.ReadHeader(_file, PartialPath);
        if (_file.Length != _dataOffset + (long)rows * columns * sizeof(float))
            throw new InputException($"the partial gradient file has {_file.Length} bytes, not the {_dataOffset + (long)rows * columns * sizeof(float)} its shape needs: delete it to start over", PartialPath);
        (ResumedUnits, ResumedRows) = (previous!.Units, previous.RowsDone);
    }

    public void Write(int row, ReadOnlySpan<float> values)
    {
        if (values.Length != Columns) throw new ArgumentException($"a row holds {Columns} values, {values.Length} given", nameof(values));
        RandomAccess.Write(_file.SafeFileHandle, MemoryMarshal.AsBytes(values), _dataOffset + (long)row * Columns * sizeof(float));
    }

    /// <summary>Makes every row written so far durable, then records <paramref name="units"/> units (<paramref name="rows"/> rows) as complete.</summary>
    public void Commit(int units, int rows)
    {
        _file.Flush(flushToDisk: true);
        var temporary = ProgressPath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Progress(_fingerprint, Rows, Columns, units, rows)));
        File.Move(temporary, ProgressPath, overwrite: true);
    }

    /// <summary>Closes the file, moves it to its final path and removes the progress record.</summary>
    public void Complete()
    {
        _file.Flush(flushToDisk: true);
        _file.Dispose();
        File.Move(PartialPath, _path, overwrite: true);
        File.Delete(ProgressPath);
    }

    public void Dispose() => _file.Dispose();

    private Progress? ReadProgress()
    {
        if (!File.Exists(ProgressPath)) return null;
        try
        {
            return JsonSerializer.Deserialize<Progress>(File.ReadAllText(ProgressPath));
        }
        catch (JsonException)
        {
            return null; // a torn or foreign record: start over
        }
    }
}
