using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace QuantaDiscovery.Common;

/// <summary>
/// NumPy's .npy format (version 1.0; https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html),
/// little-endian, C order. The one implementation of .npy in the project: matrices between stages are
/// written here so that <c>numpy.load</c> opens them directly.
/// </summary>
public static class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static void Write<T>(string path, ReadOnlySpan<T> data, params int[] shape) where T : unmanaged
    {
        using var stream = File.Create(path);
        Write(stream, data, shape);
    }

    public static void Write<T>(Stream stream, ReadOnlySpan<T> data, params int[] shape) where T : unmanaged
    {
        long count = 1;
        foreach (var s in shape) count *= s;
        if (count != data.Length)
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {count} elements but {data.Length} were given");
        WriteHeader(stream, DescriptorOf<T>(), shape);
        stream.Write(MemoryMarshal.AsBytes(data));
    }

    /// <summary>Writes the header of an array whose data the caller then streams (row by row, say).</summary>
    public static void WriteHeader(Stream stream, string descriptor, params int[] shape)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var dict = $"{{'descr': '{descriptor}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        var header = dict + new string(' ', padding) + "\n";
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
    }

    public static NpyArray<T> Read<T>(string path) where T : unmanaged
    {
        using var stream = File.OpenRead(path);
        return Read<T>(stream, path);
    }

    /// <summary>Reads an array from a stream positioned at its magic string; <paramref name="path"/> names it in errors.</summary>
    public static NpyArray<T> Read<T>(Stream stream, string path) where T : unmanaged
    {
        var (descriptor, shape, _) = ReadHeader(stream, path);
        var expected = DescriptorOf<T>();
        if (descriptor != expected)
            throw new InputException($"array has dtype '{descriptor}', expected '{expected}'", path);
        long count = 1;
        foreach (var s in shape) count *= s;
        var data = new T[count];
        var bytes = MemoryMarshal.AsBytes(data.AsSpan());
        try { stream.ReadExactly(bytes); }
        catch (EndOfStreamException) { throw new InputException($"file is shorter than its shape ({string.Join(", ", shape)}) requires", path); }
        return new NpyArray<T>(data, shape);
    }

    /// <summary>Reads the header; the stream is left at the first data byte.</summary>
    public static (string Descriptor, int[] Shape, long DataOffset) ReadHeader(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[10];
        try { stream.ReadExactly(prefix); }
        catch (EndOfStreamException) { throw new InputException("not a .npy file (too short)", path); }
        if (!prefix[..6].SequenceEqual(Magic))
            throw new InputException("not a .npy file (bad magic)", path);
        int major = prefix[6];
        int headerLength;
        if (major == 1)
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
        else
        {
            Span<byte> more = stackalloc byte[2];
            stream.ReadExactly(more);
            Span<byte> four = [prefix[8], prefix[9], more[0], more[1]];
            headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(four);
        }
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var header = Encoding.Latin1.GetString(headerBytes);
        string descriptor = Field(header, "descr", path).Trim('\'', '"', ' ');
        if (Field(header, "fortran_order", path).Trim() != "False")
            throw new InputException("Fortran-order arrays are not supported; save with numpy.ascontiguousarray", path);
        var shapeText = Field(header, "shape", path).Trim().TrimStart('(').TrimEnd(')');
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).ToArray();
        return (descriptor, shape, 10 + (major == 1 ? 0 : 2) + headerLength);
    }

    private static string Field(string header, string key, string path)
    {
        int k = header.IndexOf($"'{key}'", StringComparison.Ordinal);
        if (k < 0) throw new InputException($".npy header has no '{key}'", path);
        int colon = header.IndexOf(':', k);
        int end = key == "shape" ? header.IndexOf(')', colon) + 1 : header.IndexOf(',', colon);
        return header[(colon + 1)..end];
    }

    public static string DescriptorOf<T>() where T : unmanaged => typeof(T) switch
    {
        var t when t == typeof(float) => "<f4",
        var t when t == typeof(double) => "<f8",
        var t when t == typeof(int) => "<i4",
        var t when t == typeof(long) => "<i8",
        var t when t == typeof(byte) => "|u1",
        var t when t == typeof(Half) => "<f2",
        var t => throw new NotSupportedException($".npy element type {t.Name} is not supported"),
    };
}

/// <summary>An array read from .npy: flat C-order data and its shape.</summary>
public sealed record NpyArray<T>(T[] Data, int[] Shape) where T : unmanaged
{
    public int Rows => Shape[0];
    public int Columns => Shape.Length > 1 ? Shape[1] : 1;
}
