namespace ManagedImages.Registry;

/// <summary>
/// Azure Container Registries reached with an Entra ID identity: its token is exchanged at the registry's
/// <c>/oauth2/exchange</c> for an ACR refresh token, which buys access tokens per repository scope at <c>/oauth2/token</c>.
/// Bound from "Registry:Acr".
/// </summary>
public sealed class AcrOptions
{
    /// <summary>The Entra ID scope ACR accepts tokens for (its data plane audience).</summary>
    public const string DefaultScope = "https://containerregistry.azure.net/.default";

    /// <summary>Registry hosts (login servers like <c>myacr.azurecr.io</c>) that get Entra ID tokens; others keep <see cref="RegistryOptions.Credentials"/>.</summary>
    public IList<string> Hosts { get; } = [];

    /// <summary><see cref="AcrCredentialKind.Default"/> (DefaultAzureCredential) or <see cref="AcrCredentialKind.ManagedIdentity"/>.</summary>
    public AcrCredentialKind Credential { get; set; } = AcrCredentialKind.Default;

    /// <summary>The client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The Entra ID tenant of the registry; sent with the exchange and the token request when set.</summary>
    public string? TenantId { get; set; }

    /// <summary>The scope asked of Entra ID.</summary>
    public string Scope { get; set; } = DefaultScope;

    public bool UsesEntraId(string registry) => Hosts.Contains(registry, StringComparer.OrdinalIgnoreCase);
}
