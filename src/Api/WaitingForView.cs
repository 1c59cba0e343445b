namespace ManagedImages.Api;

/// <summary>
/// The build a run waits for before it launches: the version it makes, its base digest, since when, and the other runs
/// (and registration runs) waiting for the same build.
/// </summary>
public sealed record WaitingForView(
    string Nickname, int Version, long Revision, string BaseDigest, DateTimeOffset StartedAt, IReadOnlyList<string> OtherWaitingRuns);
