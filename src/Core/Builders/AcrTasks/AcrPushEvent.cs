using System.Text.Json;

namespace ManagedImages.Builders.AcrTasks;

/// <summary>
/// An ACR webhook event (<c>POST</c> to the webhook's URL; also the <c>data</c> of an Event Grid ImagePushed event):
/// <c>{id, timestamp, action, target: {mediaType, size, digest, length, repository, tag}, request: {id, host, method,
/// useragent}, actor, source}</c>. Only <see cref="Action"/> and the target's repository and digest are required;
/// a push by digest has no tag.
/// </summary>
public sealed record AcrPushEvent(
    string? Id,
    DateTimeOffset? Timestamp,
    string Action,
    AcrPushTarget Target,
    AcrPushRequest? Request,
    AcrPushActor? Actor,
    AcrPushSource? Source)
{
    public const string PushAction = "push";

    public bool IsPush => string.Equals(Action, PushAction, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a webhook body; a body that is not such an event throws a <see cref="FormatException"/> naming the field.</summary>
    public static AcrPushEvent Parse(string json)
    {
        AcrPushEvent? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<AcrPushEvent>(json, ArmJson.Options);
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "the body" : e.Path.TrimStart('$', '.');
            throw new FormatException($"{where}: not an ACR webhook event ({e.Message})", e);
        }
        if (parsed is null) throw new FormatException("the body: expected an ACR webhook event object, like {\"action\": \"push\", \"target\": {...}}");
        if (string.IsNullOrWhiteSpace(parsed.Action)) throw new FormatException("action: required, like \"push\"");
        if (parsed.Target is null) throw new FormatException("target: required, the pushed image's {repository, tag, digest}");
        if (string.IsNullOrWhiteSpace(parsed.Target.Repository)) throw new FormatException("target.repository: required, like \"managed/tools\"");
        if (parsed.IsPush && !Oci.Digest.TryParse(parsed.Target.Digest, out _))
            throw new FormatException($"target.digest: '{parsed.Target.Digest}' is not a digest; expected sha256:<64 lowercase hex digits>");
        return parsed;
    }
}
