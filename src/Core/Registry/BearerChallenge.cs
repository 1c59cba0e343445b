using System.Net.Http.Headers;
using System.Text;

namespace ManagedImages.Registry;

/// <summary>
/// A <c>WWW-Authenticate</c> challenge: <c>Bearer realm="...",service="...",scope="..."</c> (the token server to
/// ask, the service to name and the scope the registry wanted) or <c>Basic realm="..."</c>.
/// </summary>
public sealed record BearerChallenge(string Scheme, string? Realm, string? Service, string? Scope)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first Bearer or Basic challenge of a 401 answer, or null when it has none.</summary>
    public static BearerChallenge? FromResponse(HttpResponseMessage response)
    {
        BearerChallenge? basic = null;
        foreach (var header in response.Headers.WwwAuthenticate)
        {
            var challenge = Parse(header);
            if (challenge.IsBearer && challenge.Realm is not null) return challenge;
            if (challenge.IsBasic) basic ??= challenge;
        }
        return basic;
    }

    public static BearerChallenge Parse(AuthenticationHeaderValue header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var parameters = ParseParameters(header.Parameter ?? "");
        return new BearerChallenge(
            header.Scheme,
            parameters.GetValueOrDefault("realm"),
            parameters.GetValueOrDefault("service"),
            parameters.GetValueOrDefault("scope"));
    }

    /// <summary>Parses <c>key="value", key=token</c> lists; quoted values may hold commas and escaped quotes.</summary>
    internal static Dictionary<string, string> ParseParameters(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i]))) i++;
            var keyStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',') i++;
            var key = text[keyStart..i].Trim();
            if (i >= text.Length || text[i] != '=')
            {
                continue;
            }
            i++; // '='
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var builder = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    builder.Append(text[i]);
                    i++;
                }
                i++; // closing quote
                value = builder.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] != ',') i++;
                value = text[valueStart..i].Trim();
            }
            if (key.Length > 0) result[key] = value;
        }
        return result;
    }
}
