namespace ManagedImages.Builders.AcrTasks;

/// <summary>An image a run pushed: registry login server, repository, tag and manifest digest.</summary>
public sealed record AcrImageDescriptor(string? Registry, string? Repository, string? Tag, string? Digest);
