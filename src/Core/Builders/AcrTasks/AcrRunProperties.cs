namespace ManagedImages.Builders.AcrTasks;

/// <summary>The parts of a run's properties this service reads.</summary>
public sealed record AcrRunProperties(
    string? RunId,
    string? Status,
    IReadOnlyList<AcrImageDescriptor>? OutputImages,
    string? RunErrorMessage,
    DateTimeOffset? CreateTime,
    DateTimeOffset? StartTime,
    DateTimeOffset? FinishTime);
