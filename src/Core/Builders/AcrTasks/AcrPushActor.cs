namespace ManagedImages.Builders.AcrTasks;

/// <summary>Who caused an ACR webhook event, when the registry says.</summary>
public sealed record AcrPushActor(string? Name);
