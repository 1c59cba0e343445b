namespace ManagedImages.Versions;

/// <summary>A version whose manifest could not be deleted: its record stays, and the next collection tries again.</summary>
public sealed record UncollectedVersion(int Version, string Reason);
