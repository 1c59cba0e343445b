using ManagedImages.Oci;

namespace ManagedImages.IntegrationTests.Registry;

/// <summary>
/// Deterministic pseudo-random content of any size, produced as it is read (never held in memory), so large blobs
/// can be pushed as streams. The same seed and size give the same bytes.
/// </summary>
internal sealed class GeneratedContent(int seed, long size) : Stream
{
    private readonly Random random = new(seed);
    private long position;

    public static async Task<Digest> DigestOfAsync(int seed, long size)
    {
        await using var content = new GeneratedContent(seed, size);
        return await Digest.Sha256Async(content);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, size - position);
        random.NextBytes(buffer[..n]);
        position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
