namespace ManagedImages.Storage;

/// <summary>One built version of a custom image: where it is, and what base digest and registration revision it was built from.</summary>
public sealed record ImageVersion(
    string Nickname,
    int Number,
    string Image,
    string Digest,
    string BaseReference,
    string BaseDigest,
    long Revision,
    DateTimeOffset CreatedAt);
