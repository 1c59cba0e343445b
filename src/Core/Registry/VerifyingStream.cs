using System.Security.Cryptography;
using ManagedImages.Oci;

namespace ManagedImages.Registry;

/// <summary>
/// Reads content through while hashing it; at its end (or as soon as it runs past the expected size) it checks size
/// and digest and throws <see cref="DigestMismatchException"/>, so a reader never finishes on bad content.
/// </summary>
public sealed class VerifyingStream : Stream
{
    private readonly Stream inner;
    private readonly IDisposable? owner;
    private readonly Digest expected;
    private readonly long expectedSize;
    private readonly string what;
    private readonly IncrementalHash hash;
    private long position;
    private bool verified;

    /// <param name="inner">The content as it arrives.</param>
    /// <param name="expected">The digest the content must have.</param>
    /// <param name="expectedSize">The size the content must have.</param>
    /// <param name="what">What the content is, for the error message (e.g. <c>blob sha256:.. of 127.0.0.1:5000/app</c>).</param>
    /// <param name="owner">Disposed with the stream (e.g. the HTTP response the content comes from).</param>
    public VerifyingStream(Stream inner, Digest expected, long expectedSize, string what, IDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        this.inner = inner;
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.what = what;
        this.owner = owner;
        hash = expected.CreateHash();
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => expectedSize;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        return Account(buffer[..read], buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..read], buffer.Length);
    }

    private int Account(ReadOnlySpan<byte> data, int requested)
    {
        if (data.Length > 0)
        {
            position += data.Length;
            if (position > expectedSize)
                throw new DigestMismatchException(what, expected, null, expectedSize, position);
            hash.AppendData(data);
        }
        else if (requested > 0 && !verified)
        {
            Verify();
        }
        return data.Length;
    }

    private void Verify()
    {
        Span<byte> digestBytes = stackalloc byte[64];
        var length = hash.GetHashAndReset(digestBytes);
        var actual = expected.Algorithm == "sha256"
            ? Digest.FromSha256Hash(digestBytes[..length])
            : Digest.Parse($"{expected.Algorithm}:{Convert.ToHexStringLower(digestBytes[..length])}");
        if (position != expectedSize || actual != expected)
            throw new DigestMismatchException(what, expected, actual, expectedSize, position);
        verified = true;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            owner?.Dispose();
            hash.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        owner?.Dispose();
        hash.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
