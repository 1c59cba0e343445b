using System.Collections.Concurrent;

namespace ManagedImages.Registry;

/// <summary>
/// What the auth handler learned, kept across handler instances (the HTTP client factory recycles handlers):
/// the challenge each host answered with, and bearer tokens per realm, service and scope set.
/// </summary>
internal sealed class RegistryAuthCache
{
    private readonly ConcurrentDictionary<string, BearerChallenge> challenges = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, BearerToken> tokens = new(StringComparer.Ordinal);

    public bool TryGetChallenge(string authority, out BearerChallenge challenge) =>
        challenges.TryGetValue(authority, out challenge!);

    public void SetChallenge(string authority, BearerChallenge challenge) => challenges[authority] = challenge;

    public bool TryGetToken(string key, DateTimeOffset now, out string token)
    {
        if (tokens.TryGetValue(key, out var cached) && cached.RefreshAt > now)
        {
            token = cached.Value;
            return true;
        }
        token = "";
        return false;
    }

    public void SetToken(string key, BearerToken token) => tokens[key] = token;

    public void RemoveToken(string key) => tokens.TryRemove(key, out _);

    public static string TokenKey(BearerChallenge challenge, IEnumerable<string> scopes) =>
        $"{challenge.Realm}|{challenge.Service}|{string.Join(' ', scopes.Order(StringComparer.Ordinal))}";
}
