namespace ManagedImages.Builders.AcrTasks;

/// <summary>ARM's error detail: <c>{"error": {"code", "message"}}</c>.</summary>
internal sealed record ArmError(string? Code, string? Message);
