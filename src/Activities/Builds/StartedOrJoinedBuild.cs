namespace ManagedImages.Builds;

/// <summary>
/// What a build request found: the record it now waits on, and whether this caller started the attempt
/// (and so must run it) or joined one that was already building or done.
/// </summary>
public sealed record StartedOrJoinedBuild(BuildRecord Record, bool Started);
