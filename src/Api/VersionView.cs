using ManagedImages.Storage;

namespace ManagedImages.Api;

/// <summary>One built version as the API shows it: the image pinned by digest and what it was built from.</summary>
public sealed record VersionView(
    int Number,
    string Image,
    string Digest,
    string BaseReference,
    string BaseDigest,
    long Revision,
    DateTimeOffset CreatedAt)
{
    public static VersionView From(ImageVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new(version.Number, version.Image, version.Digest, version.BaseReference, version.BaseDigest, version.Revision, version.CreatedAt);
    }
}
