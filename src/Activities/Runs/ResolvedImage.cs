using ManagedImages.Storage;

namespace ManagedImages.Runs;

/// <summary>
/// What an orchestration needs to decide whether to build: the registration's revision and state, its current version
/// (null before the first build), the base tag's current digest, and the build settings (read in an activity so the
/// orchestrator stays deterministic).
/// </summary>
public sealed record ResolvedImage(
    string Nickname,
    long Revision,
    RegistrationState State,
    string BaseReference,
    string BaseDigest,
    ImageVersion? Current,
    TimeSpan BuildTimeout,
    TimeSpan CheckInterval)
{
    /// <summary>The version the nickname is pinned to, or null when it follows the newest.</summary>
    public ImageVersion? Pinned { get; init; }

    /// <summary>The current version was built on the base's current digest from the current registration.</summary>
    public bool IsFresh => IsFreshVersion(Current);

    /// <summary><paramref name="version"/> was built on the base's current digest from the current registration.</summary>
    public bool IsFreshVersion(ImageVersion? version) =>
        version is not null && version.BaseDigest == BaseDigest && version.Revision == Revision;
}
