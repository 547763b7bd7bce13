using System.Buffers;

namespace QuantaDiscovery.Corpus;

/// <summary>
/// Splits a byte stream into lines ending in '\n' (a trailing '\r' is dropped), reusing one pooled buffer
/// that grows only to the longest line. <see cref="Current"/> is valid until the next <see cref="MoveNext"/>.
/// </summary>
internal sealed class LineReader(Stream stream, int initialBufferSize = 1 << 20) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(initialBufferSize);
    private int _start;        // first byte not yet returned
    private int _end;          // one past the last byte read from the stream
    private int _lineStart;
    private int _lineLength;
    private bool _endOfStream;

    public ReadOnlySpan<byte> Current => _buffer.AsSpan(_lineStart, _lineLength);

    /// <summary>Advances to the next line; false at the end of the stream. Errors of the stream propagate.</summary>
    public bool MoveNext()
    {
        int searchFrom = _start;
        while (true)
        {
            int newline = _buffer.AsSpan(searchFrom, _end - searchFrom).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                SetLine(_start, searchFrom + newline - _start);
                _start = searchFrom + newline + 1;
                return true;
            }
            if (_endOfStream)
            {
                if (_start == _end) return false;
                SetLine(_start, _end - _start);    // last line without a final newline
                _start = _end;
                return true;
            }
            searchFrom = _end - _start;
            MakeRoom();
            int read = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0) _endOfStream = true;
            else _end += read;
        }
    }

    private void SetLine(int start, int length)
    {
        if (length > 0 && _buffer[start + length - 1] == (byte)'\r') length--;
        _lineStart = start;
        _lineLength = length;
    }

    /// <summary>Moves the unfinished line to the front of the buffer, growing the buffer when it is full.</summary>
    private void MakeRoom()
    {
        int pending = _end - _start;
        if (pending == _buffer.Length)
        {
            if (_buffer.Length >= Array.MaxLength / 2)
                throw new InvalidDataException($"a line is longer than {Array.MaxLength / 2} bytes");
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(_start, pending).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        else if (_start > 0)
        {
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
        }
        _start = 0;
        _end = pending;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        stream.Dispose();
    }
}
