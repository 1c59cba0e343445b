namespace ManagedImages.Versions;

/// <summary>A version garbage collection kept, with every reason: "newest", "current", "pinned", "in use by run {id}".</summary>
public sealed record KeptVersion(int Version, IReadOnlyList<string> Reasons);
