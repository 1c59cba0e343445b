namespace ManagedImages.Builds;

/// <summary>
/// A build attempt as the orchestrations see it: which version it makes, how it stands, and its result
/// (<paramref name="Image"/> pinned by digest) or its error.
/// </summary>
public sealed record BuildState(
    string Nickname,
    long Revision,
    string BaseDigest,
    int Version,
    BuildStatus Status,
    string? Image,
    string? Digest,
    string? Error)
{
    public BuildKey Key => new(Nickname, Revision, BaseDigest);
}
