namespace ManagedImages.Builders.AcrTasks;

/// <summary>The registry request behind an ACR webhook event; <see cref="Host"/> is the registry's login server.</summary>
public sealed record AcrPushRequest(string? Id, string? Host, string? Method, string? Useragent);
