namespace ManagedImages.Registry;

/// <summary>An access token from a bearer realm and when to stop using it.</summary>
internal sealed record BearerToken(string Value, DateTimeOffset RefreshAt);
