using System.Text.Json.Serialization;

namespace ManagedImages.Functions.Access;

/// <summary>
/// The JSON App Service authentication puts, base64-encoded, in <c>X-MS-CLIENT-PRINCIPAL</c>: the identity provider,
/// which claim types hold the name and the roles, and the token's claims.
/// </summary>
internal sealed record ClientPrincipal(
    [property: JsonPropertyName("auth_typ")] string? AuthenticationType,
    [property: JsonPropertyName("name_typ")] string? NameClaimType,
    [property: JsonPropertyName("role_typ")] string? RoleClaimType,
    [property: JsonPropertyName("claims")] IReadOnlyList<ClientPrincipalClaim>? Claims);

internal sealed record ClientPrincipalClaim(
    [property: JsonPropertyName("typ")] string? Type,
    [property: JsonPropertyName("val")] string? Value);
