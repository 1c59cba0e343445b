namespace ManagedImages.Api;

/// <summary>
/// The status of a run or registration: the Durable runtime status by name (Pending, Running, Completed, Failed,
/// Terminated, ...), the stage it reports (<c>RunProgress</c>), its output once completed and its failure if any.
/// </summary>
public sealed record RunStatusView(
    string Id,
    string Name,
    string RuntimeStatus,
    object? CustomStatus,
    object? Output,
    RunFailure? Failure,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt);
