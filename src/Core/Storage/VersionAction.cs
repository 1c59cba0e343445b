namespace ManagedImages.Storage;

/// <summary>
/// One recorded pin, unpin, rollback or garbage collection: the version it named (null for an unpin), what was current and pinned before,
/// and when. The service has no caller identity, so the record says what and when, not who.
/// </summary>
public sealed record VersionAction(
    int Sequence,
    VersionActionKind Kind,
    int? Version,
    int? PreviousCurrent,
    int? PreviousPinned,
    DateTimeOffset At);
