using ManagedImages.Api;
using ManagedImages.Functions.Durable;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace ManagedImages.Functions.Http;

/// <summary>The registry's push webhook and Event Grid's ImagePushed events, through the shared <see cref="WebhooksEndpoints"/>.</summary>
public sealed class WebhooksFunctions(WebhooksEndpoints webhooks, BoundDurableClient bound)
{
    /// <summary>
    /// The push may reach a worker where no build activity has bound a Durable client yet (a new instance, a restart:
    /// the very cases the webhook is for), so this trigger binds one for the BuildCompleted events it raises.
    /// </summary>
    [Function("AcrPushWebhook")]
    public Task<IResult> AcrPush(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/acr")] HttpRequest request,
        [DurableClient] DurableTaskClient durable)
    {
        bound.Remember(durable);
        return webhooks.AcrPushAsync(request);
    }

    /// <summary>Event Grid may deliver the pushes of builders' working tags too, so this binds a client as the ACR webhook does.</summary>
    [Function("EventGridWebhook")]
    public Task<IResult> EventGrid(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/eventgrid")] HttpRequest request,
        [DurableClient] DurableTaskClient durable)
    {
        bound.Remember(durable);
        return webhooks.EventGridAsync(request);
    }
}
