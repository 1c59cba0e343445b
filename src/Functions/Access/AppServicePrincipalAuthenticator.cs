using System.Text;
using System.Text.Json;
using ManagedImages.Api.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ManagedImages.Functions.Access;

/// <summary>
/// Identifies callers of the Functions app from App Service authentication (Easy Auth): the platform validates the
/// Entra ID token and forwards its claims in <c>X-MS-CLIENT-PRINCIPAL</c>; the app roles among them (claim type
/// <c>role_typ</c>, usually <c>roles</c>) map to admin and user through <see cref="AppRoleOptions"/>. The header is
/// trusted only when App Service authentication is on (<c>WEBSITE_AUTH_ENABLED</c>), since only then does the platform
/// strip a client's own copy of it.
/// </summary>
public sealed class AppServicePrincipalAuthenticator(IOptions<AppRoleOptions> roles, IConfiguration configuration) : ICallerAuthenticator
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>App Service sets this to True when its authentication is enabled for the app.</summary>
    public const string AuthEnabledSetting = "WEBSITE_AUTH_ENABLED";

    private static readonly string[] RoleClaimTypes = ["roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"];

    // A user's display name, else (an app calling with its own identity) the app's id.
    private static readonly string[] NameClaimTypes = ["name", "preferred_username", "appid", "azp", "oid"];

    public string Challenge => "Bearer";

    public CallerIdentification Identify(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.Equals(configuration[AuthEnabledSetting], "true", StringComparison.OrdinalIgnoreCase))
            return CallerIdentification.Unknown(
                "App Service authentication is not enabled for this app, so callers cannot be identified: enable it with Microsoft Entra ID");

        var header = request.Headers[PrincipalHeader].ToString();
        if (header.Length == 0)
            return CallerIdentification.Unknown(
                "not signed in: send a Microsoft Entra ID access token for this app as 'Authorization: Bearer <token>'");

        if (Parse(header) is not { } principal)
            return CallerIdentification.Unknown($"the {PrincipalHeader} header is not App Service authentication's principal");

        var claims = principal.Claims ?? [];
        var roleTypes = principal.RoleClaimType is { Length: > 0 } declared ? [declared, .. RoleClaimTypes] : RoleClaimTypes;
        var appRoles = claims.Where(c => c.Value is not null && roleTypes.Contains(c.Type, StringComparer.OrdinalIgnoreCase))
            .Select(c => c.Value!)
            .ToHashSet(StringComparer.Ordinal);
        ApiRole? role = appRoles.Contains(roles.Value.AdminRole) ? ApiRole.Admin
            : appRoles.Contains(roles.Value.UserRole) ? ApiRole.User
            : null;
        return CallerIdentification.Known(new Caller(NameOf(principal, claims), role));
    }

    public string Describe(ApiRole role) => role == ApiRole.Admin
        ? $"admin (app role '{roles.Value.AdminRole}')"
        : $"user (app role '{roles.Value.UserRole}' or '{roles.Value.AdminRole}')";

    /// <summary>Azure has no open mode: a webhook needs its secret.</summary>
    public bool AllowsWebhooksWithoutSecret(HttpRequest request) => false;

    private static ClientPrincipal? Parse(string header)
    {
        try
        {
            var json = Encoding.UTF8.GetString(Convert.FromBase64String(header));
            return JsonSerializer.Deserialize<ClientPrincipal>(json);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string NameOf(ClientPrincipal principal, IReadOnlyList<ClientPrincipalClaim> claims)
    {
        string[] types = principal.NameClaimType is { Length: > 0 } declared ? [declared, .. NameClaimTypes] : NameClaimTypes;
        foreach (var type in types)
        {
            if (claims.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.OrdinalIgnoreCase))?.Value is { Length: > 0 } name)
                return name;
        }

        return "an unnamed caller";
    }
}
