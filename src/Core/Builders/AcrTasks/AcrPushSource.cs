namespace ManagedImages.Builders.AcrTasks;

/// <summary>The registry node that raised an ACR webhook event, when the registry says.</summary>
public sealed record AcrPushSource(string? Addr, string? InstanceId);
