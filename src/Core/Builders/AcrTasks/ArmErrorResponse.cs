namespace ManagedImages.Builders.AcrTasks;

/// <summary>The body of an ARM error answer.</summary>
internal sealed record ArmErrorResponse(ArmError? Error);
