using System.Text;
using ManagedImages.Builders.AcrTasks;
using ManagedImages.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Api;

/// <summary>/api/webhooks/acr: the registry's push webhook, which completes builds run by ACR Tasks.</summary>
public sealed class WebhooksEndpoints(AcrPushNotifications notifications, ILogger<WebhooksEndpoints> logger)
{
    /// <summary>An ACR event is a few hundred bytes: anything near this is not one.</summary>
    public const long MaxEventBytes = 64 * 1024;

    /// <summary>
    /// POST /api/webhooks/acr: reads the push event (400 naming the field when it is not one) and answers 200 with
    /// {outcome, detail}, also when the push changes nothing (a repeated delivery, another repository or tag): ACR
    /// redelivers on any other status, and those deliveries would change nothing either.
    /// </summary>
    public Task<IResult> AcrPushAsync(HttpRequest request) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            // Authenticating the caller (ACR) is issue 6; until then this route is guarded only as the host guards every route.
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

            var result = await notifications.HandleAsync(push, cancellationToken);
            return new ApiResponse(StatusCodes.Status200OK, result);
        });

    /// <summary>AcrPushEvent.Parse says "field: what is wrong"; "the body" stands for the whole document.</summary>
    internal static (string Field, string Message) FieldAndMessage(string error)
    {
        var colon = error.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0) return ("$", error);
        var field = error[..colon];
        return (field == "the body" ? "$" : field, error[(colon + 2)..]);
    }
}
