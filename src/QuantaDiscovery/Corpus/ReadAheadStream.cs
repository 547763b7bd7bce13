using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace QuantaDiscovery.Corpus;

/// <summary>
/// Reads an inner stream (a decompressor) on a background thread, a few chunks ahead of the consumer, so that
/// decompression and JSON parsing run on two cores. Memory is bounded by <c>chunks × chunkSize</c>.
/// An exception of the inner stream is rethrown by <see cref="Read(Span{byte})"/> once the data read before
/// it has been consumed.
/// </summary>
internal sealed class ReadAheadStream : Stream
{
    private readonly Stream _inner;
    private readonly BlockingCollection<(byte[] Buffer, int Count)> _chunks;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private readonly int _chunkSize;
    private ExceptionDispatchInfo? _failure;
    private byte[]? _current;
    private int _currentOffset, _currentCount;
    private bool _finished;

    public ReadAheadStream(Stream inner, int chunkSize = 1 << 20, int chunks = 4)
    {
        _inner = inner;
        _chunkSize = chunkSize;
        _chunks = new BlockingCollection<(byte[], int)>(chunks);
        _producer = Task.Factory.StartNew(Produce, TaskCreationOptions.LongRunning);
    }

    private void Produce()
    {
        try
        {
            while (!_stop.IsCancellationRequested && _failure is null)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(_chunkSize);
                int count = 0, read;
                try
                {
                    while (count < _chunkSize && (read = _inner.Read(buffer, count, _chunkSize - count)) > 0) count += read;
                }
                catch (Exception e)
                {
                    _failure = ExceptionDispatchInfo.Capture(e);    // thrown to the consumer after the bytes before it
                }
                if (count == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                _chunks.Add((buffer, count), _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        finally
        {
            _chunks.CompleteAdding();
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || _finished) return 0;
        if (_current is null || _currentOffset == _currentCount)
        {
            if (_current is not null) ArrayPool<byte>.Shared.Return(_current);
            _current = null;
            if (!_chunks.TryTake(out var chunk, Timeout.Infinite))
            {
                _finished = true;
                _failure?.Throw();
                return 0;
            }
            (_current, _currentCount, _currentOffset) = (chunk.Buffer, chunk.Count, 0);
        }
        int n = Math.Min(buffer.Length, _currentCount - _currentOffset);
        _current.AsSpan(_currentOffset, n).CopyTo(buffer);
        _currentOffset += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            _producer.Wait();
            while (_chunks.TryTake(out var chunk)) ArrayPool<byte>.Shared.Return(chunk.Buffer);
            if (_current is not null) ArrayPool<byte>.Shared.Return(_current);
            _current = null;
            _chunks.Dispose();
            _stop.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
