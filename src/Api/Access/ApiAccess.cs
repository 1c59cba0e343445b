using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Api.Access;

/// <summary>
/// Decides whether a request may reach its handler: the route's rule (<see cref="ApiAccessRules"/>), the caller the
/// host's <see cref="ICallerAuthenticator"/> finds, or the webhook secret. Refusals are 401 (no or unknown credentials)
/// or 403 (a known caller without the role) and say what is needed; neither they nor the log repeat what was sent.
/// </summary>
public sealed class ApiAccess(ICallerAuthenticator authenticator, IOptions<WebhookOptions> webhooks, ILogger<ApiAccess> logger)
{
    /// <summary>
    /// The check every handler runs first (<see cref="ApiErrors.HandleAsync"/>). A host without an
    /// <see cref="ApiAccess"/> registered fails the request rather than serve it unchecked.
    /// </summary>
    internal static ApiResponse? Check(HttpRequest request)
    {
        var access = request.HttpContext.RequestServices.GetService<ApiAccess>()
            ?? throw new InvalidOperationException("No caller authentication is configured: the host must call AddApiAccess.");
        return access.Refusal(request);
    }

    /// <summary>Null when the request may proceed, else the 401 or 403 to answer.</summary>
    public ApiResponse? Refusal(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rule = ApiAccessRules.RuleFor(request.Method, request.Path);
        return rule switch
        {
            AccessRule.User => RoleRefusal(request, ApiRole.User),
            AccessRule.Admin => RoleRefusal(request, ApiRole.Admin),
            AccessRule.AcrWebhook => WebhookRefusal(request, "ACR", webhooks.Value.AcrSecret, $"{WebhookOptions.Section}:{nameof(WebhookOptions.AcrSecret)}",
                AcrSecretPresented(request), $"the '{webhooks.Value.AcrHeader}' header of the ACR webhook"),
            AccessRule.EventGridWebhook => WebhookRefusal(request, "Event Grid", webhooks.Value.EventGridSecret,
                $"{WebhookOptions.Section}:{nameof(WebhookOptions.EventGridSecret)}", EventGridSecretPresented(request),
                $"the '{WebhookOptions.DefaultHeader}' delivery header or the '{WebhookOptions.EventGridQueryParameter}' query parameter of the Event Grid subscription"),
            _ => throw new InvalidOperationException($"unknown access rule {rule}"),
        };
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header, or null.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? value[scheme.Length..].Trim() : null;
    }

    private ApiResponse? RoleRefusal(HttpRequest request, ApiRole needed)
    {
        var identification = authenticator.Identify(request);
        var route = $"{request.Method} {request.Path}";
        if (identification.Caller is not { } caller)
        {
            logger.LogInformation("Refused {Method} {Path}: {Reason}", request.Method, request.Path, identification.Refusal);
            return Problems.Unauthenticated(
                $"{identification.Refusal} ({route} needs the {authenticator.Describe(needed)} role)", authenticator.Challenge);
        }

        if (caller.Has(needed)) return null;

        var has = caller.Role is { } role ? $"has the {authenticator.Describe(role)} role only" : "has no role of this service";
        logger.LogInformation("Refused {Method} {Path} to {Caller}: needs {Role}, has {Has}", request.Method, request.Path, caller.Name, needed, caller.Role);
        return Problems.Forbidden($"'{caller.Name}' {has}; {route} needs the {authenticator.Describe(needed)} role");
    }

    private ApiResponse? WebhookRefusal(HttpRequest request, string sender, string? secret, string setting, string? presented, string where)
    {
        if (string.IsNullOrEmpty(secret))
        {
            if (authenticator.AllowsWebhooksWithoutSecret(request)) return null;
            logger.LogWarning("Refused the {Sender} webhook: {Setting} is not configured", sender, setting);
            return Problems.Unauthenticated(
                $"no {sender} webhook secret is configured: set {setting} and send it in {where}", "ManagedImages-Webhook");
        }

        if (SecretComparison.Matches(presented, secret)) return null;

        logger.LogInformation("Refused the {Sender} webhook: {What}", sender, presented is null ? "no secret sent" : "wrong secret");
        return Problems.Unauthenticated(
            $"the {sender} webhook must send the secret configured as {setting} in {where}", "ManagedImages-Webhook");
    }

    private string? AcrSecretPresented(HttpRequest request)
    {
        var header = webhooks.Value.AcrHeader;
        if (string.Equals(header, "Authorization", StringComparison.OrdinalIgnoreCase) && BearerToken(request) is { } bearer) return bearer;
        return request.Headers.TryGetValue(header, out var value) ? value.ToString() : null;
    }

    private static string? EventGridSecretPresented(HttpRequest request) =>
        request.Headers.TryGetValue(WebhookOptions.DefaultHeader, out var header) ? header.ToString()
        : request.Query.TryGetValue(WebhookOptions.EventGridQueryParameter, out var query) ? query.ToString()
        : null;
}
