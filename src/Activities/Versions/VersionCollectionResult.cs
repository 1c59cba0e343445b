namespace ManagedImages.Versions;

/// <summary>What one garbage collection of a nickname did: the versions deleted, kept (and why), and those whose delete failed (kept for the next time).</summary>
public sealed record VersionCollectionResult(
    string Nickname,
    int Keep,
    IReadOnlyList<CollectedVersion> Deleted,
    IReadOnlyList<KeptVersion> Kept,
    IReadOnlyList<UncollectedVersion> Failed);
