using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Models;

/// <summary>Element types of the safetensors format this project reads; F32 and F16 are also written.</summary>
public enum SafetensorsDType { F32, F16, BF16 }

/// <summary>One tensor's entry in a safetensors header: element type, shape and byte range in the data section.</summary>
public sealed record SafetensorsEntry(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Reader of a safetensors file (https://github.com/huggingface/safetensors: an 8-byte little-endian header
/// length, a JSON header {name: {dtype, shape, data_offsets}}, then raw little-endian data), memory-mapped so
/// that only the tensors asked for are paged in. Every error names the file and, where it applies, the tensor.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long _dataStart;

    public string Path { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long dataStart,
        Dictionary<string, SafetensorsEntry> entries)
    {
        Path = path;
        _map = map;
        _view = view;
        _dataStart = dataStart;
        Entries = entries;
    }

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
            throw new InputException("safetensors file not found", path);
        // A hub-cache snapshot links to its blob: the length is the blob's, not the link's.
        var info = new FileInfo(path);
        long fileLength = (info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info).Length;
        if (fileLength < 8)
            throw new InputException("not a safetensors file (shorter than its 8-byte header length)", path);
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        try
        {
            long headerLength = view.ReadInt64(0);
            if (headerLength <= 0 || 8 + headerLength > fileLength)
                throw new InputException($"header length {headerLength} does not fit in a file of {fileLength} bytes", path);
            var headerBytes = new byte[headerLength];
            view.ReadArray(8, headerBytes, 0, headerBytes.Length);
            var entries = ParseHeader(path, headerBytes, fileLength - 8 - headerLength);
            return new SafetensorsFile(path, map, view, 8 + headerLength, entries);
        }
        catch
        {
            view.Dispose();
            map.Dispose();
            throw;
        }
    }

    private static Dictionary<string, SafetensorsEntry> ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new InputException($"safetensors header is not valid JSON: {e.Message}", path, inner: e);
        }
        var entries = new Dictionary<string, SafetensorsEntry>();
        using (document)
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") continue;
                var name = property.Name;
                try
                {
                    var value = property.Value;
                    var dtypeText = value.GetProperty("dtype").GetString();
                    if (!Enum.TryParse<SafetensorsDType>(dtypeText, out var dtype))
                        throw new InputException($"tensor '{name}' has dtype {dtypeText}; only F32, F16 and BF16 are supported", path);
                    var shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                    var offsets = value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                    var entry = new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
                    if (offsets.Length != 2 || entry.Begin < 0 || entry.End > dataLength ||
                        entry.End - entry.Begin != entry.ElementCount * ElementSize(dtype))
                        throw new InputException(
                            $"tensor '{name}': data_offsets [{string.Join(", ", offsets)}] disagree with shape " +
                            $"[{string.Join(", ", shape)}] of {dtype} or with the data section of {dataLength} bytes", path);
                    entries[name] = entry;
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
                {
                    throw new InputException($"tensor '{name}': malformed header entry ({e.Message})", path, inner: e);
                }
            }
        }
        return entries;
    }

    public static int ElementSize(SafetensorsDType dtype) => dtype == SafetensorsDType.F32 ? 4 : 2;

    /// <summary>The tensor's values converted to float32, in row-major order.</summary>
    public float[] ReadFloat32(string name)
    {
        if (!Entries.TryGetValue(name, out var entry))
            throw new InputException($"tensor '{name}' not found", Path);
        var values = new float[entry.ElementCount];
        ReadFloat32(entry, values);
        return values;
    }

    /// <summary>Converts the tensor into <paramref name="destination"/> (length = element count).</summary>
    public unsafe void ReadFloat32(SafetensorsEntry entry, Span<float> destination)
    {
        if (destination.Length != entry.ElementCount)
            throw new ArgumentException($"destination holds {destination.Length} values, tensor '{entry.Name}' {entry.ElementCount}");
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            var source = new ReadOnlySpan<byte>(pointer + _view.PointerOffset + _dataStart + entry.Begin,
                checked((int)(entry.End - entry.Begin)));
            switch (entry.DType)
            {
                case SafetensorsDType.F32:
                    source.CopyTo(MemoryMarshal.AsBytes(destination));
                    break;
                case SafetensorsDType.F16:
                    var halves = MemoryMarshal.Cast<byte, Half>(source);
                    for (int i = 0; i < halves.Length; i++) destination[i] = (float)halves[i];
                    break;
                case SafetensorsDType.BF16:
                    // bfloat16 is the upper half of a float32's bits.
                    var bits = MemoryMarshal.Cast<byte, ushort>(source);
                    for (int i = 0; i < bits.Length; i++) destination[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
                    break;
            }
        }
        finally
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }

    /// <summary>
    /// Writes float32 tensors as a safetensors file in <paramref name="dtype"/> (F32 or F16), names sorted,
    /// with header metadata {"format": "pt"} as PyTorch's safetensors writer does.
    /// </summary>
    public static void Write(string path, IEnumerable<(string Name, long[] Shape, ReadOnlyMemory<float> Values)> tensors,
        SafetensorsDType dtype = SafetensorsDType.F32)
    {
        if (dtype == SafetensorsDType.BF16)
            throw new ArgumentException("writing BF16 is not supported; use F32 or F16", nameof(dtype));
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        // The folder's recorded checksums describe the weights being replaced: a new file starts a new record.
        File.Delete(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, WeightChecksums.FileName));
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        long offset = 0;
        foreach (var (name, shape, values) in sorted)
        {
            long count = shape.Aggregate(1L, (a, b) => a * b);
            if (count != values.Length)
                throw new ArgumentException($"tensor '{name}': shape [{string.Join(", ", shape)}] holds {count} values but {values.Length} were given");
            long length = count * ElementSize(dtype);
            header[name] = new { dtype = dtype.ToString(), shape, data_offsets = new[] { offset, offset + length } };
            offset += length;
        }
        var headerBytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padding = (8 - headerBytes.Length % 8) % 8;

        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(lengthBytes, headerBytes.Length + padding);
        stream.Write(lengthBytes);
        stream.Write(headerBytes);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        foreach (var (_, _, values) in sorted)
        {
            if (dtype == SafetensorsDType.F32)
            {
                stream.Write(MemoryMarshal.AsBytes(values.Span));
                continue;
            }
            var halves = new Half[values.Length];
            var span = values.Span;
            for (int i = 0; i < span.Length; i++) halves[i] = (Half)span[i];
            stream.Write(MemoryMarshal.AsBytes(halves.AsSpan()));
        }
    }
}
