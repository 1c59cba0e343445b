using System.Net.Http.Headers;
using Azure.Core;
using Azure.Identity;
using k8s.Authentication;

namespace ManagedImages.Jobs.Kubernetes;

/// <summary>
/// The bearer token of every Kubernetes API call: an Entra ID token for the AKS server application, asked of the
/// service's identity, kept until shortly before it expires (or until the refresh time Entra ID suggests), one request
/// at a time.
/// </summary>
internal sealed class EntraIdTokenProvider(TokenCredential identity, string scope, TimeProvider time) : ITokenProvider, IDisposable
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile CachedToken? current;

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } token) return Header(token);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } again) return Header(again);
            AccessToken entra;
            try
            {
                entra = await identity.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken);
            }
            catch (AuthenticationFailedException e)
            {
                throw new InvalidOperationException(
                    $"Getting an Entra ID token for the AKS API server ({scope}) failed: {e.Message} Check the identity " +
                    "(Registry:Acr:Credential, Registry:Acr:ManagedIdentityClientId; the same one signs in to ACR) or sign in.", e);
            }

            var refreshAt = entra.RefreshOn ?? entra.ExpiresOn - RefreshMargin;
            current = new CachedToken(entra.Token, refreshAt);
            return Header(entra.Token);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private string? Fresh() => current is { } token && token.RefreshAt > time.GetUtcNow() ? token.Value : null;

    private static AuthenticationHeaderValue Header(string token) => new("Bearer", token);

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt);
}
