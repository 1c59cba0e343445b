namespace ManagedImages.Builds;

/// <summary>
/// The "BuildCompleted" event raised to every orchestration waiting for a build: the version it made
/// (<paramref name="Image"/> pinned by digest) or why it failed.
/// </summary>
public sealed record BuildCompleted(
    bool Succeeded,
    int Version,
    string? Image,
    string? Digest,
    string BaseDigest,
    string? Error)
{
    public const string EventName = "BuildCompleted";
}
