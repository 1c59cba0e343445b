namespace ManagedImages.Api;

/// <summary>A durable run (registration or job run) and the API URL that reports its status.</summary>
public sealed record RunLink(string Id, string StatusUrl);
