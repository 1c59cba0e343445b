namespace ManagedImages.Api;

/// <summary>
/// GET /api/images/{nickname}/versions: the current and pinned version numbers, every version newest first, and the
/// recorded pins, unpins and rollbacks newest first.
/// </summary>
public sealed record VersionHistory(
    string Nickname,
    int? CurrentVersion,
    int? PinnedVersion,
    IReadOnlyList<VersionHistoryEntry> Versions,
    IReadOnlyList<VersionActionView> Actions);
