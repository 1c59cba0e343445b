using System.Buffers.Binary;

namespace ManagedImages.Benchmarks.Content;

/// <summary>
/// Deterministic, incompressible content of any length, computed from its position as it is read: seekable (a tar
/// header needs the length first), never held in memory. Word <c>i</c> is the <c>i</c>-th SplitMix64 output of the seed.
/// </summary>
internal sealed class GeneratedStream(ulong seed, long length) : Stream
{
    private const ulong Golden = 0x9E3779B97F4A7C15;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Clamp(length - _position, 0, buffer.Length);
        Span<byte> word = stackalloc byte[8];
        var done = 0;
        while (done < n)
        {
            var index = (ulong)(_position / 8);
            var skip = (int)(_position % 8);
            if (skip == 0 && n - done >= 8)
            {
                var whole = (n - done) / 8;
                for (var i = 0; i < whole; i++)
                    BinaryPrimitives.WriteUInt64LittleEndian(buffer.Slice(done + (i * 8), 8), Word(index + (ulong)i));
                done += whole * 8;
                _position += whole * 8L;
                continue;
            }
            BinaryPrimitives.WriteUInt64LittleEndian(word, Word(index));
            var take = Math.Min(8 - skip, n - done);
            word.Slice(skip, take).CopyTo(buffer[done..]);
            done += take;
            _position += take;
        }
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private ulong Word(ulong index)
    {
        var z = seed + ((index + 1) * Golden);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
