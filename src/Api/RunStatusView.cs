using System.Text.Json.Serialization;

namespace ManagedImages.Api;

/// <summary>
/// The status of a run or registration: the Durable runtime status by name (Pending, Running, Completed, Failed,
/// Terminated, ...), the stage it reports (<c>RunProgress</c>), its output once completed and its failure if any;
/// <c>waitingFor</c> while it waits for a build.
/// </summary>
public sealed record RunStatusView(
    string Id,
    string Name,
    string RuntimeStatus,
    object? CustomStatus,
    object? Output,
    RunFailure? Failure,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt)
{
    /// <summary>The build this run waits for before it launches, and who else waits for it; absent when it waits for none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WaitingForView? WaitingFor { get; init; }
}
