namespace ManagedImages.Versions;

/// <summary>Run <paramref name="RunId"/> is about to launch version <paramref name="Version"/> of <paramref name="Nickname"/>.</summary>
public sealed record LeaseVersionInput(string Nickname, int Version, string RunId);
