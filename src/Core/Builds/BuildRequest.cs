using ManagedImages.Registrations;

namespace ManagedImages.Builds;

/// <summary>Build version <paramref name="Version"/> of a nickname from registration revision <paramref name="Revision"/> on the base pinned to <paramref name="BaseDigest"/>.</summary>
public sealed record BuildRequest(string Nickname, int Version, long Revision, Registration Registration, string BaseDigest);
