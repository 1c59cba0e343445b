using System.Text.Json;

namespace ManagedImages.Registry;

/// <summary>The error body of the distribution API: <c>{"errors":[{"code":"...","message":"...","detail":...}]}</c>.</summary>
internal static class RegistryErrorBody
{
    private const int MaxBodyChars = 4096;

    public static async Task<RegistryException> ToExceptionAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            body = "";
        }
        var (code, message) = Parse(body);
        if (code is null && message is null && body.Length > 0)
            message = body.Length > MaxBodyChars ? body[..MaxBodyChars] : body;
        return new RegistryException(operation, response.StatusCode, code, message?.Trim());
    }

    /// <summary>The first error's code, and all errors' messages joined.</summary>
    public static (string? Code, string? Message) Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return (null, null);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("errors", out var errors) ||
                errors.ValueKind != JsonValueKind.Array)
                return (null, null);
            string? code = null;
            var messages = new List<string>();
            foreach (var error in errors.EnumerateArray())
            {
                if (error.ValueKind != JsonValueKind.Object) continue;
                if (code is null && error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String) code = c.GetString();
                if (error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } text)
                    messages.Add(text);
            }
            return (code, messages.Count == 0 ? null : string.Join("; ", messages));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
