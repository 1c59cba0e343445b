using System.Globalization;
using System.Net;
using ManagedImages.Api.Access;
using Microsoft.Extensions.Options;

namespace ManagedImages.Local.Access;

/// <summary>
/// Identifies callers of the one-machine host by API key (<c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key</c>),
/// compared in constant time against every configured key. With no key configured the host is open to callers on its
/// own machine (loopback), each an admin, so the demo and a first <c>serve</c> work as they are.
/// </summary>
public sealed class ApiKeyAuthenticator : ICallerAuthenticator
{
    private readonly (string Name, byte[] Hash, ApiRole Role)[] keys;

    public ApiKeyAuthenticator(IOptions<ApiKeyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        keys = [.. Read(options.Value)];
    }

    /// <summary>No key is configured: only callers on this machine are accepted, as admins.</summary>
    public bool IsOpen => keys.Length == 0;

    public string Challenge => "Bearer realm=\"managed-images\"";

    public CallerIdentification Identify(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IsOpen)
        {
            return IsLoopback(request)
                ? CallerIdentification.Known(new Caller("local caller (no API keys configured)", ApiRole.Admin))
                : CallerIdentification.Unknown(
                    "this host has no API keys configured (Auth:ApiKeys), so it accepts callers on its own machine only");
        }

        string? presented = ApiAccess.BearerToken(request)
            ?? (request.Headers.TryGetValue(ApiKeyOptions.HeaderName, out var header) ? header.ToString() : null);
        if (string.IsNullOrEmpty(presented))
        {
            return CallerIdentification.Unknown(
                $"no API key: send one as 'Authorization: Bearer <key>' or '{ApiKeyOptions.HeaderName}: <key>' (the CLI: --api-key or {ApiKeyOptions.EnvironmentVariable})");
        }

        // Every key is compared, so the time taken does not say which one (or whether any) came close.
        (string Name, byte[] Hash, ApiRole Role)? found = null;
        foreach (var key in keys)
        {
            if (SecretComparison.Matches(presented, key.Hash))
            {
                found ??= key;
            }
        }

        return found is { } match
            ? CallerIdentification.Known(new Caller(match.Name, match.Role))
            : CallerIdentification.Unknown("the API key is not one this host knows (Auth:ApiKeys)");
    }

    public string Describe(ApiRole role) => role == ApiRole.Admin ? "admin" : "user";

    public bool AllowsWebhooksWithoutSecret(HttpRequest request) => IsOpen && IsLoopback(request);

    /// <summary>Checks every entry and says which field is wrong; the host refuses to start with a bad key list.</summary>
    public static IEnumerable<(string Name, byte[] Hash, ApiRole Role)> Read(ApiKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<(string, byte[], ApiRole)> read = [];
        for (int i = 0; i < options.ApiKeys.Count; i++)
        {
            ApiKey entry = options.ApiKeys[i];
            string at = $"{ApiKeyOptions.Section}:ApiKeys:{i}";
            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                throw new InvalidOperationException($"{at}:Name is required: who holds the key (shown in refusals and logs)");
            }

            ApiRole role = entry.Role?.Trim().ToUpperInvariant() switch
            {
                "ADMIN" => ApiRole.Admin,
                "USER" => ApiRole.User,
                _ => throw new InvalidOperationException($"{at}:Role must be 'admin' or 'user'"),
            };
            byte[] hash = (string.IsNullOrEmpty(entry.Key), string.IsNullOrEmpty(entry.KeyHash)) switch
            {
                (false, true) when entry.Key!.Length >= 16 => SecretComparison.Hash(entry.Key),
                (false, true) => throw new InvalidOperationException($"{at}:Key must have at least 16 characters"),
                (true, false) => ParseHash(entry.KeyHash!, at),
                _ => throw new InvalidOperationException($"{at} needs exactly one of Key and KeyHash (sha256:<64 hex digits>)"),
            };
            read.Add((entry.Name.Trim(), hash, role));
        }

        return read;
    }

    private static byte[] ParseHash(string text, string at)
    {
        const string prefix = "sha256:";
        string hex = text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? text[prefix.Length..] : "";
        return hex.Length == 64 && hex.All(Uri.IsHexDigit)
            ? Convert.FromHexString(hex)
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{at}:KeyHash must be sha256:<64 hex digits> (e.g. the output of: printf %s \"$KEY\" | sha256sum)"));
    }

    private static bool IsLoopback(HttpRequest request) =>
        request.HttpContext.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);
}
