using ManagedImages.Builds;

namespace ManagedImages.Api;

/// <summary>
/// What the build of one version installed (every Debian package and pip distribution in the image, name to version),
/// and the registration revision and base digest it built from: the versions a rebuild of that revision pins; with
/// <c>against</c>, the package diff from another version.
/// </summary>
public sealed record PackagesView(
    string Nickname,
    int Version,
    long Revision,
    string BaseDigest,
    bool Succeeded,
    DateTimeOffset RecordedAt,
    IReadOnlyDictionary<string, string> Apt,
    IReadOnlyDictionary<string, string> Pip)
{
    /// <summary>The version compared against (<c>?against=N</c>), or null.</summary>
    public int? Against { get; init; }

    /// <summary>What changed from version <see cref="Against"/> to this one, or null when no comparison was asked.</summary>
    public IReadOnlyList<PackageChange>? Changes { get; init; }

    public static PackagesView From(BuildRecording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return new(recording.Nickname, recording.Version, recording.Revision, recording.BaseDigest, recording.Succeeded,
            recording.RecordedAt, recording.Packages.Apt, recording.Packages.Pip);
    }
}
