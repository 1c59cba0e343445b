namespace ManagedImages.Builders.AcrTasks;

/// <summary>What an ACR webhook event is about: the manifest pushed (or deleted), its repository and tag.</summary>
public sealed record AcrPushTarget(string? MediaType, long? Size, string? Digest, long? Length, string Repository, string? Tag);
