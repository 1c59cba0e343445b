namespace ManagedImages.Storage;

/// <summary>
/// A run's claim on the version it launches: garbage collection keeps the version while a lease on it has not expired.
/// A run removes its lease when it ends; one a crashed run left expires at <paramref name="ExpiresAt"/>.
/// </summary>
public sealed record VersionLease(string Nickname, int Version, string RunId, DateTimeOffset ExpiresAt);
