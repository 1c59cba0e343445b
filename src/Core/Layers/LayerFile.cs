using ManagedImages.Oci;

namespace ManagedImages.Layers;

/// <summary>
/// A written layer: the gzip-compressed tar in <see cref="Content"/> (a temporary file, deleted when disposed,
/// positioned at its start), its blob <see cref="Digest"/> and <see cref="Size"/>, and the digest of the uncompressed
/// tar (<see cref="DiffId"/>) that the image config lists.
/// </summary>
public sealed record LayerFile(Stream Content, Digest Digest, long Size, Digest DiffId) : IDisposable, IAsyncDisposable
{
    public Descriptor Descriptor => new(MediaTypes.OciLayerGzip, Digest.ToString(), Size);

    public void Dispose() => Content.Dispose();

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
