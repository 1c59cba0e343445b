namespace ManagedImages.Registry;

/// <summary>What a registry host accepts as proof: a username and password, or an OAuth2 refresh token.</summary>
public sealed class RegistryCredential
{
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>
    /// Exchanged for access tokens at the bearer realm (grant_type=refresh_token), as ACR does with a token
    /// obtained from Entra ID.
    /// </summary>
    public string? RefreshToken { get; set; }

    public bool HasPassword => !string.IsNullOrEmpty(Username);
}
