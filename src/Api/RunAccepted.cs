using System.Text.Json.Serialization;

namespace ManagedImages.Api;

/// <summary>
/// The answer to a started run: its id and the API URL of its status. The Functions host adds the Durable Functions
/// management URLs of the instance (the ones <c>CreateCheckStatusResponse</c> gives), absent on the one-machine host.
/// </summary>
public sealed record RunAccepted(string Id, string StatusUrl)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StatusQueryGetUri { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SendEventPostUri { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TerminatePostUri { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PurgeHistoryDeleteUri { get; init; }
}
