using ManagedImages.Storage;

namespace ManagedImages.Api;

/// <summary>
/// One version in the history: what it was built from, how it was made (<c>plan</c>: "build" when a builder ran and
/// left a recording, else "rebase") and where it stands (<c>status</c>: "pinned", "current", "newer" than the current
/// one after a rollback, or "older").
/// </summary>
public sealed record VersionHistoryEntry(
    int Number,
    string Image,
    string Digest,
    string BaseReference,
    string BaseDigest,
    long Revision,
    DateTimeOffset CreatedAt,
    string Plan,
    string Status)
{
    public static VersionHistoryEntry From(ImageVersion version, bool built, StoredRegistration stored)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(stored);
        var status = version.Number == stored.PinnedVersion ? "pinned"
            : version.Number == stored.CurrentVersion ? "current"
            : version.Number > (stored.CurrentVersion ?? 0) ? "newer"
            : "older";
        return new(version.Number, version.Image, version.Digest, version.BaseReference, version.BaseDigest, version.Revision,
            version.CreatedAt, built ? "build" : "rebase", status);
    }
}
