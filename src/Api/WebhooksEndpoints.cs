using System.Text;
using System.Text.Json;
using Azure.Messaging.EventGrid;
using Azure.Messaging.EventGrid.SystemEvents;
using ManagedImages.Builders.AcrTasks;
using ManagedImages.Builds;
using ManagedImages.Upgrades;
using ManagedImages.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Api;

/// <summary>
/// /api/webhooks/acr and /api/webhooks/eventgrid: registry pushes. A push of a builder's working tag completes that
/// build (ACR Tasks); any other tag push is a base push, which starts the upgrade of the images run on that tag lately.
/// </summary>
public sealed class WebhooksEndpoints(
    AcrPushNotifications notifications,
    BasePushHandler basePushes,
    IOptions<CustomImageOptions> customImages,
    ILogger<WebhooksEndpoints> logger)
{
    /// <summary>An ACR event is a few hundred bytes: anything near this is not one.</summary>
    public const long MaxEventBytes = 64 * 1024;

    /// <summary>Event Grid delivers batches of up to 1 MB.</summary>
    public const long MaxEventGridBytes = 1024 * 1024;

    /// <summary>
    /// POST /api/webhooks/acr: reads the push event (400 naming the field when it is not one) and answers 200 with
    /// {outcome, detail, basePush}, also when the push changes nothing (a repeated delivery, a tag no image follows): ACR
    /// redelivers on any other status, and those deliveries would change nothing either.
    /// </summary>
    public Task<IResult> AcrPushAsync(HttpRequest request) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            // The sender proved the webhook secret before this runs (ApiAccess, rule AcrWebhook).
            using var body = await RequestBody.ReadBoundedAsync(request, MaxEventBytes, cancellationToken);
            if (body is null) return Problems.BodyTooLarge(MaxEventBytes, "an ACR push event is a small JSON object {action, target: {repository, tag, digest}, ...}");

            AcrPushEvent push;
            try
            {
                push = AcrPushEvent.Parse(Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length));
            }
            catch (FormatException e)
            {
                var (field, message) = FieldAndMessage(e.Message);
                return Problems.Invalid(field, message);
            }

            return new ApiResponse(StatusCodes.Status200OK, await HandlePushAsync(push, cancellationToken));
        });

    /// <summary>
    /// POST /api/webhooks/eventgrid: a batch of Event Grid events (EventGridEvent schema). A subscription validation event
    /// is answered {validationResponse: code}; each <c>Microsoft.ContainerRegistry.ImagePushed</c> is handled as the ACR
    /// webhook handles a push; other event types are counted as skipped. 200 with what was done; 400 naming the field
    /// when the body is not such a batch.
    /// </summary>
    public Task<IResult> EventGridAsync(HttpRequest request) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            // The sender proved the webhook secret before this runs (ApiAccess, rule EventGridWebhook), the validation handshake too.
            using var body = await RequestBody.ReadBoundedAsync(request, MaxEventGridBytes, cancellationToken);
            if (body is null) return Problems.BodyTooLarge(MaxEventGridBytes, "an Event Grid delivery is a JSON array of events [{id, eventType, subject, data, ...}]");

            EventGridEvent[] events;
            try
            {
                events = EventGridEvent.ParseMany(new BinaryData(body.ToArray()));
            }
            catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
            {
                return Problems.Invalid("$", $"not Event Grid events (a JSON array of {{id, eventType, subject, eventTime, dataVersion, data}}): {e.Message}");
            }

            var pushes = new List<AcrWebhookAnswer>();
            var skipped = 0;
            for (var i = 0; i < events.Length; i++)
            {
                object? data;
                try
                {
                    if (!events[i].TryGetSystemEventData(out data)) data = null;
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
                {
                    return Problems.Invalid($"[{i}].data", $"not the data of a {events[i].EventType} event: {e.Message}");
                }

                switch (data)
                {
                    case SubscriptionValidationEventData validation:
                        return new ApiResponse(StatusCodes.Status200OK, new EventGridValidationAnswer(validation.ValidationCode));
                    case ContainerRegistryImagePushedEventData pushed:
                        if (string.IsNullOrWhiteSpace(pushed.Target?.Repository))
                            return Problems.Invalid($"[{i}].data.target.repository", "required: the pushed image's repository, like \"library/busybox\"");
                        pushes.Add(await HandlePushAsync(ToAcrPush(events[i], pushed), cancellationToken));
                        break;
                    default:
                        skipped++;
                        break;
                }
            }

            var started = pushes.Sum(p => p.BasePush?.UpgradesStarted.Count ?? 0);
            return new ApiResponse(StatusCodes.Status200OK, new EventGridAnswer(events.Length, started, skipped, pushes));
        });

    /// <summary>AcrPushEvent.Parse says "field: what is wrong"; "the body" stands for the whole document.</summary>
    internal static (string Field, string Message) FieldAndMessage(string error)
    {
        var colon = error.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0) return ("$", error);
        var field = error[..colon];
        return (field == "the body" ? "$" : field, error[(colon + 2)..]);
    }

    private async Task<AcrWebhookAnswer> HandlePushAsync(AcrPushEvent push, CancellationToken cancellationToken)
    {
        var result = await notifications.HandleAsync(push, cancellationToken);
        if (result.Outcome != AcrPushOutcome.Ignored || !push.IsPush || string.IsNullOrEmpty(push.Target.Tag))
            return new AcrWebhookAnswer(result.Outcome, result.Detail, null);

        // No build's push: a tag moved, which is a base push for the images that follow it. A webhook configured
        // without the request host is the custom images' registry's own.
        var host = push.Request?.Host is { Length: > 0 } named ? named : customImages.Value.Registry;
        var basePush = await basePushes.HandleAsync(
            new BasePush(host, push.Target.Repository, push.Target.Tag, push.Target.Digest), cancellationToken);
        return new AcrWebhookAnswer(result.Outcome, result.Detail, basePush);
    }

    private static AcrPushEvent ToAcrPush(EventGridEvent grid, ContainerRegistryImagePushedEventData pushed)
    {
        var target = pushed.Target;
        var request = pushed.Request;
        return new AcrPushEvent(
            pushed.Id ?? grid.Id,
            pushed.Timestamp ?? grid.EventTime,
            string.IsNullOrEmpty(pushed.Action) ? AcrPushEvent.PushAction : pushed.Action,
            new AcrPushTarget(target.MediaType, target.Size, target.Digest, target.Length, target.Repository, target.Tag),
            request is null ? null : new AcrPushRequest(request.Id, request.Host, request.Method, request.Useragent),
            null,
            null);
    }
}
