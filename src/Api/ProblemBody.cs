using System.Text.Json.Serialization;
using ManagedImages.Registrations;

namespace ManagedImages.Api;

/// <summary>
/// An RFC 9457 problem document (<c>application/problem+json</c>): a type URI, a title per type, the status and a
/// detail a user can act on; <c>errors</c> lists each field at fault, <c>traceId</c> ties a 500 to the service log.
/// </summary>
public sealed record ProblemBody(string Type, string Title, int Status, string Detail)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ValidationError>? Errors { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceId { get; init; }
}
