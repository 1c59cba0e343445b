using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ManagedImages.Oci;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Core.Tests.Registry;

/// <summary>
/// An Azure Container Registry on Kestrel (127.0.0.1:0) as its documented token protocol has it: 401 with a bearer
/// challenge naming realm /oauth2/token, service and the scope wanted; POST /oauth2/exchange (grant_type=access_token,
/// service, optional tenant, access_token = the Entra ID token) answers {"refresh_token"}; POST /oauth2/token
/// (grant_type=refresh_token, service, scope, refresh_token) answers {"access_token"} granting what was asked and the
/// identity holds. Tokens are JWT-shaped with an exp; the registry serves one manifest and blob per repository only
/// to an access token that grants the action on that repository.
/// </summary>
internal sealed class FakeAcr(TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Issued> issued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (byte[] Bytes, Digest Digest)> manifests = new(StringComparer.Ordinal);
    private readonly HashSet<(string Repository, Digest Digest)> blobs = [];
    private WebApplication? app;

    /// <summary>The Entra ID token the exchange accepts.</summary>
    public string EntraToken { get; set; } = "entra-token-for-the-service";

    public string Tenant { get; set; } = "tenant-1";

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromHours(3);

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(75);

    /// <summary>Repository → the actions the identity holds there ("*" for every repository).</summary>
    public Dictionary<string, string[]> Rights { get; } = new(StringComparer.Ordinal) { ["*"] = ["pull", "push"] };

    public string Host { get; private set; } = "";

    public List<IReadOnlyDictionary<string, string>> Exchanges { get; } = [];

    /// <summary>The scope parameter of each /oauth2/token request, scopes in the order sent.</summary>
    public List<string[]> TokenRequests { get; } = [];

    public static async Task<FakeAcr> StartAsync(TimeProvider time)
    {
        var acr = new FakeAcr(time);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        acr.app = builder.Build();
        acr.app.MapPost("/oauth2/exchange", acr.ExchangeAsync);
        acr.app.MapPost("/oauth2/token", acr.TokenAsync);
        acr.app.Map("/v2/{**path}", acr.Registry);
        await acr.app.StartAsync();
        var address = new Uri(acr.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        acr.Host = address.Authority;
        return acr;
    }

    /// <summary>Serves <paramref name="repository"/>:<paramref name="tag"/> (a small manifest) and one blob; returns both digests.</summary>
    public (Digest Manifest, Digest Blob) AddImage(string repository, string tag)
    {
        var blob = Digest.Sha256(Encoding.UTF8.GetBytes("config of " + repository));
        var bytes = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{blob}}","size":1},"layers":[]}""");
        var digest = Digest.Sha256(bytes);
        lock (manifests) manifests[$"{repository}:{tag}"] = (bytes, digest);
        lock (blobs) blobs.Add((repository, blob));
        return (digest, blob);
    }

    /// <summary>Invalidates every refresh token issued so far (as a change of the identity's rights does).</summary>
    public void RevokeRefreshTokens()
    {
        foreach (var (token, value) in issued)
            if (value.Kind == "refresh") issued.TryRemove(token, out _);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
    }

    private async Task<IResult> ExchangeAsync(HttpRequest request)
    {
        var form = await FormOf(request);
        lock (Exchanges) Exchanges.Add(form);
        if (form.GetValueOrDefault("grant_type") != "access_token")
            return Error(400, "UNSUPPORTED_GRANT_TYPE", "grant_type must be access_token");
        if (form.GetValueOrDefault("service") != Host) return Error(400, "INVALID_SERVICE", $"service must be {Host}");
        if (form.TryGetValue("tenant", out var tenant) && tenant != Tenant) return Error(401, "UNAUTHORIZED", $"unknown tenant {tenant}");
        var presented = form.GetValueOrDefault("access_token");
        // Echoes what it got, as a careless server might: the client must not repeat it.
        if (presented != EntraToken) return Error(401, "UNAUTHORIZED", $"invalid Entra ID token {presented}");
        return Results.Json(new { refresh_token = Issue("refresh", RefreshTokenLifetime, []) });
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await FormOf(request);
        var scopes = (form.GetValueOrDefault("scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        lock (TokenRequests) TokenRequests.Add(scopes);
        if (form.GetValueOrDefault("grant_type") != "refresh_token") return Error(400, "UNSUPPORTED_GRANT_TYPE", "grant_type must be refresh_token");
        if (form.GetValueOrDefault("service") != Host) return Error(400, "INVALID_SERVICE", $"service must be {Host}");
        if (!Valid(form.GetValueOrDefault("refresh_token"), "refresh", out _)) return Error(401, "UNAUTHORIZED", "the refresh token is not valid");

        var granted = new List<(string Repository, string[] Actions)>();
        foreach (var scope in scopes)
        {
            if (scope.Split(':') is not ["repository", var repository, var actions] || repository.Length == 0)
                return Error(400, "INVALID_SCOPE", $"scope {scope} is not repository:<name>:<actions>");
            var held = Rights.GetValueOrDefault(repository) ?? Rights.GetValueOrDefault("*") ?? [];
            granted.Add((repository, actions.Split(',').Intersect(held).ToArray()));
        }
        return Results.Json(new { access_token = Issue("access", AccessTokenLifetime, granted) });
    }

    private IResult Registry(HttpContext context, string path)
    {
        var request = context.Request;
        var (repository, kind, reference) = Split(path);
        if (repository is null) return Results.NotFound();
        var action = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) ? "pull" : "push";

        var fromRepository = kind == "uploads" ? request.Query["from"].ToString() : "";
        if (!Allows(request, repository, action) || (fromRepository.Length > 0 && !Allows(request, fromRepository, "pull")))
        {
            context.Response.Headers.WWWAuthenticate =
                $"Bearer realm=\"http://{Host}/oauth2/token\",service=\"{Host}\",scope=\"repository:{repository}:{(action == "pull" ? "pull" : "pull,push")}\"";
            return Error(401, "UNAUTHORIZED", "authentication required");
        }

        if (kind == "manifests")
        {
            (byte[] Bytes, Digest Digest) found;
            lock (manifests)
                if (!manifests.TryGetValue($"{repository}:{reference}", out found)) return Error(404, "MANIFEST_UNKNOWN", "manifest unknown");
            context.Response.Headers["Docker-Content-Digest"] = found.Digest.ToString();
            return Results.Bytes(found.Bytes, "application/vnd.oci.image.manifest.v1+json");
        }
        if (kind == "uploads" && Digest.TryParse(request.Query["mount"], out var mount))
        {
            lock (blobs)
            {
                if (!blobs.Contains((fromRepository, mount))) return Results.Accepted($"/v2/{repository}/blobs/uploads/x");
                blobs.Add((repository, mount));
            }
            context.Response.Headers["Docker-Content-Digest"] = mount.ToString();
            return Results.Created($"/v2/{repository}/blobs/{mount}", null);
        }
        return Results.NotFound();
    }

    /// <summary>repo/manifests/ref, repo/blobs/digest or repo/blobs/uploads/.</summary>
    private static (string? Repository, string Kind, string Reference) Split(string path)
    {
        foreach (var kind in new[] { "/manifests/", "/blobs/uploads", "/blobs/" })
        {
            var at = path.IndexOf(kind, StringComparison.Ordinal);
            if (at > 0) return (path[..at], kind.Trim('/').Split('/').Last(), path[(at + kind.Length)..]);
        }
        return (null, "", "");
    }

    private bool Allows(HttpRequest request, string repository, string action)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !Valid(header["Bearer ".Length..], "access", out var token)) return false;
        return token.Access.Any(a => a.Repository == repository && a.Actions.Contains(action));
    }

    private bool Valid(string? value, string kind, out Issued token) =>
        issued.TryGetValue(value ?? "", out token!) && token.Kind == kind && token.Expires > time.GetUtcNow();

    private string Issue(string kind, TimeSpan lifetime, List<(string Repository, string[] Actions)> access)
    {
        var expires = time.GetUtcNow() + lifetime;
        var payload = JsonSerializer.Serialize(new
        {
            exp = expires.ToUnixTimeSeconds(),
            grant_type = kind,
            access = access.Select(a => new { type = "repository", name = a.Repository, actions = a.Actions }),
        });
        var token = $"{B64("""{"alg":"RS256","typ":"JWT"}""")}.{B64(payload)}.{B64(Guid.NewGuid().ToString())}";
        issued[token] = new Issued(kind, expires, access);
        return token;
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task<Dictionary<string, string>> FormOf(HttpRequest request)
    {
        if (!request.HasFormContentType) return [];
        var form = await request.ReadFormAsync();
        return form.ToDictionary(f => f.Key, f => string.Join(' ', f.Value.ToArray()), StringComparer.Ordinal);
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { errors = new[] { new { code, message } } }, statusCode: status);

    private sealed record Issued(string Kind, DateTimeOffset Expires, List<(string Repository, string[] Actions)> Access);
}
