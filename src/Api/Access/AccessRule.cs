namespace ManagedImages.Api.Access;

/// <summary>Who may call a route: a caller with at least a role, or a webhook sender holding its shared secret.</summary>
public enum AccessRule
{
    User,
    Admin,

    /// <summary>The ACR push webhook: the secret in the configured header (<see cref="WebhookOptions.AcrHeader"/>).</summary>
    AcrWebhook,

    /// <summary>Event Grid: the secret in the webhook header or the <c>key</c> query parameter.</summary>
    EventGridWebhook,
}
