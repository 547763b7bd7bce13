using System.Buffers.Binary;
using System.IO.Compression;
using QuantaDiscovery.Common;

namespace QuantaDiscovery.Corpus;

/// <summary>
/// .NET's <see cref="GZipStream"/> ends silently at a truncated input unless the AppContext switch
/// <c>System.IO.Compression.UseStrictValidation</c> is on (dotnet/runtime#61768), which it reads once per process.
/// We turn it on; if the runtime had read it before we could (something decompressed gzip earlier), a
/// truncated stream is still caught by comparing the decompressed size with the gzip trailer (RFC 1952 §2.3.1,
/// ISIZE = size mod 2^32), which is exact for single-member files.
/// </summary>
internal static class GzipTruncation
{
    private const string StrictValidationSwitch = "System.IO.Compression.UseStrictValidation";
    private static readonly Lazy<bool> s_detectedByRuntime = new(Probe);

    public static void EnableDetection() => AppContext.SetSwitch(StrictValidationSwitch, true);

    /// <summary>Whether <see cref="GZipStream"/> throws on truncated input in this process.</summary>
    public static bool DetectedByRuntime => s_detectedByRuntime.Value;

    private static bool Probe()
    {
        EnableDetection();
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(new byte[1024]);
        var withoutTrailerEnd = new MemoryStream(compressed.GetBuffer(), 0, (int)compressed.Length - 4);
        try
        {
            using var reader = new GZipStream(withoutTrailerEnd, CompressionMode.Decompress);
            reader.CopyTo(Stream.Null);
            return false;
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }

    /// <summary>Compares the bytes decompressed with the ISIZE field at the end of the file.</summary>
    public static void CheckTrailer(long decompressedBytes, string path, long completeLines)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> isize = stackalloc byte[4];
        if (file.Length >= 18)
        {
            file.Seek(-4, SeekOrigin.End);
            file.ReadExactly(isize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(isize) == (uint)decompressedBytes) return;
        }
        throw new InputException(
            $"gzip stream is truncated after line {completeLines}, the last complete line read " +
            $"(decompressed {decompressedBytes} bytes, which the gzip trailer does not match)", path);
    }
}

/// <summary>A read-only pass-through stream that counts the bytes read.</summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    private int Count(int read)
    {
        BytesRead += read;
        return read;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
