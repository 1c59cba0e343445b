namespace ManagedImages.Api.Access;

/// <summary>
/// The shared secrets webhook senders prove themselves with (section <c>Webhooks</c>). Without a secret a webhook is
/// refused, except on a one-machine host that has no API keys either (open to its own machine).
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    public const string DefaultHeader = "X-ManagedImages-Webhook-Key";

    /// <summary>The query parameter Event Grid may carry the secret in (an Event Grid webhook URL may hold a secret).</summary>
    public const string EventGridQueryParameter = "key";

    /// <summary>The value the ACR webhook sends in <see cref="AcrHeader"/> (a custom header of the webhook).</summary>
    public string? AcrSecret { get; set; }

    /// <summary>The header the ACR webhook carries its secret in; with <c>Authorization</c> the value may be <c>Bearer &lt;secret&gt;</c>.</summary>
    public string AcrHeader { get; set; } = DefaultHeader;

    /// <summary>The secret Event Grid sends in the <see cref="DefaultHeader"/> delivery header or the <c>key</c> query parameter.</summary>
    public string? EventGridSecret { get; set; }
}
