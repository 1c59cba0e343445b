using System.Buffers.Text;
using System.Text.Json;

namespace ManagedImages.Registry;

/// <summary>
/// The <c>exp</c> claim of a JWT-shaped token, read without checking the signature: only to know when to stop using a
/// token the server issued to us (the server checks it, we never trust its claims for anything else).
/// </summary>
internal static class JwtExpiry
{
    public static DateTimeOffset? Read(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var payload = Base64Url.DecodeFromChars(parts[1]);
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("exp", out var exp) &&
                   exp.TryGetInt64(out var seconds) && seconds > 0
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>When to stop using a token that expires at <paramref name="expires"/>: a tenth of its life early, at most 5 minutes.</summary>
    public static DateTimeOffset RefreshAt(DateTimeOffset now, DateTimeOffset expires)
    {
        var life = expires - now;
        if (life <= TimeSpan.Zero) return now;
        var margin = life / 10;
        return expires - (margin > TimeSpan.FromMinutes(5) ? TimeSpan.FromMinutes(5) : margin);
    }
}
