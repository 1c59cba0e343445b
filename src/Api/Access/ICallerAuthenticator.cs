using Microsoft.AspNetCore.Http;

namespace ManagedImages.Api.Access;

/// <summary>
/// How a host learns who calls it: the Functions app from App Service authentication's principal header, the
/// one-machine host from API keys. The role check itself (<see cref="ApiAccess"/>) is shared.
/// </summary>
public interface ICallerAuthenticator
{
    /// <summary>The <c>WWW-Authenticate</c> value of a 401.</summary>
    string Challenge { get; }

    CallerIdentification Identify(HttpRequest request);

    /// <summary>How a refusal names a role to the caller, e.g. with the app role or key setting that grants it.</summary>
    string Describe(ApiRole role);

    /// <summary>Whether a webhook without a configured secret may be called (only a host open to its own machine says yes).</summary>
    bool AllowsWebhooksWithoutSecret(HttpRequest request);
}
