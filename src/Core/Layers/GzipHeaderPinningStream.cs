namespace ManagedImages.Layers;

/// <summary>
/// Pins the variable bytes of the 10-byte gzip header that zlib writes: the modification time (always 0 here, but
/// pinned anyway) and the OS byte, which is the platform zlib was compiled for. Without this the same layer would
/// get another digest on another OS. Write-only pass-through; the CRC trailer does not cover the header.
/// </summary>
internal sealed class GzipHeaderPinningStream(Stream inner) : Stream
{
    private const int HeaderLength = 10;
    private const byte UnknownOs = 255; // what Go's compress/gzip writes too
    private long _position;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_position >= HeaderLength)
        {
            inner.Write(buffer);
        }
        else
        {
            var copy = buffer.ToArray();
            Pin(copy);
            inner.Write(copy);
        }
        _position += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= HeaderLength)
        {
            await inner.WriteAsync(buffer, cancellationToken);
        }
        else
        {
            var copy = buffer.ToArray();
            Pin(copy);
            await inner.WriteAsync(copy, cancellationToken);
        }
        _position += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Pin(byte[] chunk)
    {
        for (var i = 0; i < chunk.Length && _position + i < HeaderLength; i++)
        {
            chunk[i] = (_position + i) switch
            {
                4 or 5 or 6 or 7 => 0, // MTIME
                9 => UnknownOs,
                _ => chunk[i],
            };
        }
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _position;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
