using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ManagedImages.Registry;

/// <summary>
/// Authenticates registry requests: anonymous until a host challenges, then Basic with the host's credentials, or
/// a bearer token from the challenge's realm for the narrowest scopes the request names (cached per scope set
/// until it expires; the credential source may hold an OAuth2 refresh token, as for ACR with Entra ID). Hosts that challenged once get their credentials up front from then on.
/// </summary>
internal sealed class RegistryAuthHandler(IRegistryCredentialSource credentials, RegistryAuthCache cache, TimeProvider time)
    : DelegatingHandler
{
    /// <summary>Tokens without an expiry are good for 60 seconds (the token spec's default).</summary>
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(60);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var authority = request.RequestUri!.Authority;
        var scopes = request.Options.TryGetValue(RegistryRequestOptions.Scopes, out var s) ? s : [];

        if (cache.TryGetChallenge(authority, out var known) && request.Headers.Authorization is null)
            await AuthorizeAsync(request, authority, known, scopes, cancellationToken);

        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !CanResend(request)) return response;

        var challenge = BearerChallenge.FromResponse(response);
        if (challenge is null) return response;
        if (challenge.IsBasic && await credentials.GetCredentialAsync(RegistryNameOf(authority), cancellationToken) is not { HasPassword: true })
            return response;

        cache.SetChallenge(authority, challenge);
        if (challenge.IsBearer)
        {
            // The registry may want more than was asked for (its challenge names the scope it checks).
            if (challenge.Scope is { Length: > 0 } wanted) scopes = [.. scopes.Union(wanted.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
            cache.RemoveToken(RegistryAuthCache.TokenKey(challenge, scopes));
        }

        response.Dispose();
        request.Headers.Authorization = null;
        await AuthorizeAsync(request, authority, challenge, scopes, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>Bodies held in memory can be sent again; streamed ones cannot (the caller retries those itself).</summary>
    private static bool CanResend(HttpRequestMessage request) => request.Content is null or ByteArrayContent;

    private async Task AuthorizeAsync(HttpRequestMessage request, string authority, BearerChallenge challenge,
        IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        if (challenge.IsBasic)
        {
            var credential = await credentials.GetCredentialAsync(RegistryNameOf(authority), cancellationToken);
            if (credential is { HasPassword: true })
                request.Headers.Authorization = BasicHeader(credential);
        }
        else if (challenge.IsBearer)
        {
            var token = await GetTokenAsync(authority, challenge, scopes, cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private async Task<string> GetTokenAsync(string authority, BearerChallenge challenge, IReadOnlyList<string> scopes,
        CancellationToken cancellationToken)
    {
        var key = RegistryAuthCache.TokenKey(challenge, scopes);
        if (cache.TryGetToken(key, time.GetUtcNow(), out var cached)) return cached;

        var registry = RegistryNameOf(authority);
        var credential = await credentials.GetCredentialAsync(registry, cancellationToken);
        var operation = $"Requesting a token from {challenge.Realm} for {(scopes.Count == 0 ? "no scope" : string.Join(' ', scopes))}";
        var response = await SendTokenRequestAsync(challenge, scopes, credential, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized && credential?.RefreshToken is { Length: > 0 })
        {
            // A cached refresh token the registry no longer takes: get a fresh one once.
            response.Dispose();
            credentials.Forget(registry);
            credential = await credentials.GetCredentialAsync(registry, cancellationToken);
            response = await SendTokenRequestAsync(challenge, scopes, credential, cancellationToken);
        }
        using var _ = response;
        if (!response.IsSuccessStatusCode)
            throw await RegistryErrorBody.ToExceptionAsync(response, operation, cancellationToken);

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string? token = null;
        TimeSpan? lifetime = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String) token = t.GetString();
            if (string.IsNullOrEmpty(token) && root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String) token = a.GetString();
            if (root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out var seconds) && seconds > 0) lifetime = TimeSpan.FromSeconds(seconds);
        }
        catch (JsonException ex)
        {
            throw new RegistryException($"{operation} failed: the answer is not JSON.", ex);
        }
        if (string.IsNullOrEmpty(token)) throw new RegistryException($"{operation} failed: the answer holds no token.");

        // Stop using a token a little before it expires, so it does not expire on the way. ACR gives no expires_in:
        // its tokens are JWTs that say when they expire.
        var now = time.GetUtcNow();
        var expires = lifetime is { } l ? now + l : JwtExpiry.Read(token) ?? now + DefaultTokenLifetime;
        cache.SetToken(key, new BearerToken(token, JwtExpiry.RefreshAt(now, expires)));
        return token;
    }

    private async Task<HttpResponseMessage> SendTokenRequestAsync(BearerChallenge challenge, IReadOnlyList<string> scopes,
        RegistryCredential? credential, CancellationToken cancellationToken)
    {
        using var request = CreateTokenRequest(challenge, scopes, credential);
        return await base.SendAsync(request, cancellationToken);
    }

    private static HttpRequestMessage CreateTokenRequest(BearerChallenge challenge, IReadOnlyList<string> scopes, RegistryCredential? credential)
    {
        if (!Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm))
            throw new RegistryException($"The registry's bearer challenge names no usable realm ('{challenge.Realm}').");

        if (credential?.RefreshToken is { Length: > 0 } refreshToken)
        {
            // OAuth2 refresh-token grant (ACR and others): a POST form, scopes space-separated.
            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "refresh_token"),
                new("refresh_token", refreshToken),
                new("service", challenge.Service ?? ""),
            };
            if (scopes.Count > 0) form.Add(new("scope", string.Join(' ', scopes)));
            return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
        }

        var query = new StringBuilder();
        if (challenge.Service is not null) query.Append("service=").Append(Uri.EscapeDataString(challenge.Service));
        foreach (var scope in scopes)
            query.Append(query.Length == 0 ? "" : "&").Append("scope=").Append(Uri.EscapeDataString(scope));
        var builder = new UriBuilder(realm);
        builder.Query = builder.Query.Length > 1 ? builder.Query[1..] + "&" + query : query.ToString();
        var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (credential is { HasPassword: true }) request.Headers.Authorization = BasicHeader(credential);
        return request;
    }

    private static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    /// <summary>Credentials are kept under the name references use; Docker Hub's API host is not that name.</summary>
    private static string RegistryNameOf(string authority) =>
        authority == RegistryHost.DockerHubApi ? Oci.ImageReference.DockerHub : authority;
}
