namespace ManagedImages.Builds;

/// <summary>
/// What a package build of version <paramref name="Version"/> left behind besides its image: the registration
/// revision and base digest it built from, whether it succeeded, and the packages it installed.
/// </summary>
public sealed record BuildRecording(
    string Nickname,
    int Version,
    long Revision,
    string BaseDigest,
    bool Succeeded,
    ResolvedPackages Packages,
    DateTimeOffset RecordedAt);
