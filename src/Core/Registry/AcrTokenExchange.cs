using System.Net;
using System.Text.Json;

namespace ManagedImages.Registry;

/// <summary>
/// ACR's <c>POST /oauth2/exchange</c>: an Entra ID access token in, an ACR refresh token out
/// (<c>grant_type=access_token</c>, <c>service</c>, optional <c>tenant</c>, <c>access_token</c>). Errors never carry a token.
/// </summary>
internal static class AcrTokenExchange
{
    public static async Task<string> ExchangeAsync(HttpClient http, Uri exchangeUri, string service, string? tenant,
        string entraToken, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "access_token"),
            new("service", service),
        };
        if (!string.IsNullOrEmpty(tenant)) form.Add(new("tenant", tenant));
        form.Add(new("access_token", entraToken));

        var operation = $"Exchanging the Entra ID token for an ACR refresh token at {exchangeUri}";
        using var request = new HttpRequestMessage(HttpMethod.Post, exchangeUri) { Content = new FormUrlEncodedContent(form) };
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // Only the status and the error code: a message could quote what was sent.
            var code = ErrorCode(body);
            var text = $"{operation} failed: {(int)response.StatusCode} {response.StatusCode}{(code is null ? "" : $" {code}")}.";
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                text += $" The identity's Entra ID token was refused for {service}: check that the identity has a role on the registry " +
                        "(AcrPull to read, AcrPush to write) and that Registry:Acr:TenantId names the registry's tenant.";
            throw new RegistryException(text);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("refresh_token", out var token) &&
                token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } value)
                return value;
        }
        catch (JsonException ex)
        {
            throw new RegistryException($"{operation} failed: the answer is not JSON.", ex);
        }
        throw new RegistryException($"{operation} failed: the answer holds no refresh_token.");
    }

    /// <summary>The code of an ACR error body (<c>{"errors":[{"code":...}]}</c>) or an OAuth one (<c>{"error":...}</c>).</summary>
    private static string? ErrorCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array &&
                errors.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first &&
                first.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String)
                return Safe(code.GetString());
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                return Safe(error.GetString());
        }
        catch (JsonException)
        {
        }
        return null;
    }

    /// <summary>Codes are short upper-case words; anything else is not shown.</summary>
    private static string? Safe(string? code) =>
        code is { Length: > 0 and <= 64 } && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? code : null;
}
