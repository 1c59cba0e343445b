namespace ManagedImages.Upgrades;

/// <summary>A registry says tag <paramref name="Tag"/> of <paramref name="Registry"/>/<paramref name="Repository"/> now points to <paramref name="Digest"/>.</summary>
public sealed record BasePush(string Registry, string Repository, string? Tag, string? Digest);
