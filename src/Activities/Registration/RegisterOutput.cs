namespace ManagedImages.Registration;

/// <summary>What a finished registration reports: the first version, pinned by digest, and the base digest it was built on.</summary>
public sealed record RegisterOutput(string Nickname, int Version, string Image, string Digest, string BaseDigest);
