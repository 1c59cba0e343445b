namespace ManagedImages.Builds;

/// <summary>
/// The stored record of the latest build attempt for one <see cref="BuildKey"/>, with the orchestration instances
/// waiting for it. <see cref="ETag"/> guards every change, so a waiter that joins while the build completes is either
/// in the waiters the completion notifies or sees the final status itself.
/// </summary>
public sealed record BuildRecord(
    BuildKey Key,
    int Version,
    BuildStatus Status,
    string? Image,
    string? Digest,
    string? Error,
    IReadOnlyList<string> Waiters,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt)
{
    public string ETag { get; init; } = "";

    public BuildState ToState() =>
        new(Key.Nickname, Key.Revision, Key.BaseDigest, Version, Status, Image, Digest, Error);
}
