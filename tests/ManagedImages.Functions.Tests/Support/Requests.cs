using System.Text;
using System.Text.Json;
using ManagedImages.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Functions.Tests.Support;

/// <summary>ASP.NET Core requests as the Functions host hands them to a trigger, and what a result writes back.</summary>
internal static class Requests
{
    /// <summary>
    /// A request with an admin's App Service principal and the test webhook secret (<see cref="TestAccess"/>), so a
    /// test of a route's behaviour passes the access check; <see cref="Anonymous"/> makes one without credentials.
    /// </summary>
    public static HttpRequest Create(string method, string path, string? body = null, IServiceProvider? services = null)
    {
        var request = Anonymous(method, path, body, services);
        request.Headers["X-MS-CLIENT-PRINCIPAL"] = Principals.Admin;
        request.Headers["X-ManagedImages-Webhook-Key"] = TestAccess.AcrSecret;
        if (path.EndsWith("/eventgrid", StringComparison.Ordinal)) request.Headers["X-ManagedImages-Webhook-Key"] = TestAccess.EventGridSecret;
        return request;
    }

    /// <summary>A request with no credentials, served by <paramref name="services"/> (default: <see cref="TestAccess.Services"/>).</summary>
    public static HttpRequest Anonymous(string method, string path, string? body = null, IServiceProvider? services = null)
    {
        var context = new DefaultHttpContext { RequestServices = services ?? TestAccess.Services };
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("images.example.test");
        context.Request.Path = path;
        var bytes = Encoding.UTF8.GetBytes(body ?? "");
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        if (body is not null) context.Request.ContentType = "application/json";
        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    /// <summary>Executes <paramref name="result"/> like the host does and reads back the status, headers and JSON body.</summary>
    public static async Task<Written> WriteAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        var text = Encoding.UTF8.GetString(body.ToArray());
        return new Written(
            context.Response.StatusCode,
            context.Response.ContentType,
            context.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone(),
            text);
    }

    public static ApiResponse Api(IResult result) => Assert.IsType<ApiResponse>(result);
}

internal sealed record Written(int Status, string? ContentType, IReadOnlyDictionary<string, string> Headers, JsonElement? Json, string Text)
{
    public JsonElement Body => Json ?? throw new InvalidOperationException("the response has no body");

    public IReadOnlyList<string> ErrorFields() =>
        Body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!).ToList();
}
