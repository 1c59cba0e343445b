namespace ManagedImages.Versions;

/// <summary>
/// A version garbage collection deleted. <paramref name="ManifestDeleted"/> is false when another version that stays
/// has the same digest (an identical rebuild): then only the record went and the manifest stays for that one.
/// </summary>
public sealed record CollectedVersion(int Version, string Digest, bool ManifestDeleted);
