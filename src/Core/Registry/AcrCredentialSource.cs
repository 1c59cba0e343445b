using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ManagedImages.Registry;

/// <summary>
/// For the hosts in <see cref="AcrOptions.Hosts"/>: an ACR refresh token obtained by exchanging the identity's
/// Entra ID token, cached per host until shortly before it expires (one exchange at a time per host). The auth handler
/// turns it into access tokens per repository scope. Other hosts get <see cref="RegistryOptions.Credentials"/>.
/// </summary>
internal sealed class AcrCredentialSource(
    OptionsCredentialSource configured,
    IOptionsMonitor<RegistryOptions> options,
    IHttpClientFactory httpClients,
    [FromKeyedServices(AcrCredentialSource.TokenCredentialKey)] TokenCredential identity,
    TimeProvider time) : IRegistryCredentialSource, IDisposable
{
    /// <summary>The key of the <see cref="TokenCredential"/> used for ACR (a test or host may register its own first).</summary>
    public const string TokenCredentialKey = "ManagedImages.Acr";

    public const string HttpClientName = "ManagedImages.AcrExchange";

    private readonly ConcurrentDictionary<string, BearerToken> refreshTokens = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> exchanges = new(StringComparer.OrdinalIgnoreCase);

    public async ValueTask<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        if (!current.Acr.UsesEntraId(registry)) return await configured.GetCredentialAsync(registry, cancellationToken);

        if (Cached(registry) is { } cached) return cached;
        var gate = exchanges.GetOrAdd(registry, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Cached(registry) is { } again) return again;
            var token = await ExchangeAsync(registry, current, cancellationToken);
            refreshTokens[registry] = token;
            return new RegistryCredential { RefreshToken = token.Value };
        }
        finally
        {
            gate.Release();
        }
    }

    public void Forget(string registry) => refreshTokens.TryRemove(registry, out _);

    public void Dispose()
    {
        foreach (var gate in exchanges.Values) gate.Dispose();
    }

    private RegistryCredential? Cached(string registry) =>
        refreshTokens.TryGetValue(registry, out var token) && token.RefreshAt > time.GetUtcNow()
            ? new RegistryCredential { RefreshToken = token.Value }
            : null;

    private async Task<BearerToken> ExchangeAsync(string registry, RegistryOptions current, CancellationToken cancellationToken)
    {
        var acr = current.Acr;
        AccessToken entra;
        try
        {
            entra = await identity.GetTokenAsync(new TokenRequestContext([acr.Scope], tenantId: acr.TenantId), cancellationToken);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new RegistryException(
                $"Getting an Entra ID token for {acr.Scope} (to reach {registry}) with the {acr.Credential} credential failed: {ex.Message} " +
                "Check the identity (Registry:Acr:Credential, Registry:Acr:ManagedIdentityClientId) or sign in.", ex);
        }

        var authority = RegistryHost.ApiAuthority(registry);
        var scheme = RegistryHost.IsPlainHttp(authority, current) ? "http" : "https";
        var exchangeUri = new Uri($"{scheme}://{authority}/oauth2/exchange");
        var http = httpClients.CreateClient(HttpClientName);
        var refreshToken = await AcrTokenExchange.ExchangeAsync(http, exchangeUri, authority, acr.TenantId, entra.Token, cancellationToken);

        // ACR refresh tokens are JWTs; if this one cannot be read, it lives no longer than the Entra ID token it came from.
        var now = time.GetUtcNow();
        var expires = JwtExpiry.Read(refreshToken) ?? entra.ExpiresOn;
        return new BearerToken(refreshToken, JwtExpiry.RefreshAt(now, expires));
    }

    /// <summary>The Azure.Identity credential <see cref="AcrOptions.Credential"/> names.</summary>
    public static TokenCredential CreateIdentity(AcrOptions acr) => acr.Credential switch
    {
        AcrCredentialKind.ManagedIdentity => string.IsNullOrEmpty(acr.ManagedIdentityClientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(acr.ManagedIdentityClientId)),
        _ => new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrEmpty(acr.ManagedIdentityClientId) ? null : acr.ManagedIdentityClientId,
            TenantId = string.IsNullOrEmpty(acr.TenantId) ? null : acr.TenantId,
        }),
    };
}
