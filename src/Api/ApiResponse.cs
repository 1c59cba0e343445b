using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace ManagedImages.Api;

/// <summary>
/// Every answer of the API: a status, optional headers and an optional body written with <see cref="ApiJson.Options"/>.
/// One result type for both hosts, so the Kestrel host and the Functions host write byte-identical responses without
/// depending on either host's JSON configuration.
/// </summary>
public sealed class ApiResponse : IResult, IStatusCodeHttpResult, IValueHttpResult, IContentTypeHttpResult
{
    private readonly Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase);

    public ApiResponse(int statusCode, object? value = null, string contentType = ApiJson.ContentType)
    {
        StatusCode = statusCode;
        Value = value;
        ContentType = contentType;
    }

    public int StatusCode { get; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public object? Value { get; }

    public string ContentType { get; }

    public IReadOnlyDictionary<string, string> Headers => headers;

    public ApiResponse WithHeader(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) headers[name] = value;
        return this;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in headers) response.Headers[name] = value;
        if (Value is null) return;
        response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(response.Body, Value, Value.GetType(), ApiJson.Options, httpContext.RequestAborted);
    }
}
