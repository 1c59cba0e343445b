using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Local.Tests;

/// <summary>
/// A reverse proxy on a free loopback port in front of a real registry that holds every blob read back for a while:
/// a base image addressed through it lives in "another registry" than the custom images, so a build copies its blobs
/// (instead of mounting them) and each copy is slow, deterministically, without any switch in the product.
/// Everything else is forwarded as it is: method, path, query, headers and body both ways, with redirects and upload
/// locations pointed back at the proxy.
/// </summary>
public sealed class SlowRegistryProxy : IAsyncDisposable
{
    // Hop-by-hop headers belong to each connection, not to the message.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Host",
    };

    private readonly WebApplication app;
    private readonly HttpClient upstream;
    private readonly string upstreamAuthority;
    private readonly TimeSpan blobDelay;
    private int blobReads;

    private SlowRegistryProxy(WebApplication app, HttpClient upstream, string upstreamAuthority, TimeSpan blobDelay)
    {
        this.app = app;
        this.upstream = upstream;
        this.upstreamAuthority = upstreamAuthority;
        this.blobDelay = blobDelay;
    }

    /// <summary>host:port of the proxy, to use as the registry part of an image reference.</summary>
    public string Authority { get; private set; } = "";

    /// <summary>How many blob GETs the proxy has delayed so far (each one a blob a build read through it).</summary>
    public int DelayedBlobReads => Volatile.Read(ref blobReads);

    public static async Task<SlowRegistryProxy> StartAsync(string upstreamAuthority, TimeSpan blobDelay)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        HttpClient upstream = new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        SlowRegistryProxy proxy = new(app, upstream, upstreamAuthority, blobDelay);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        proxy.Authority = new Uri(address).Authority;
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        upstream.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        CancellationToken aborted = context.RequestAborted;
        using HttpRequestMessage forwarded = new(
            new HttpMethod(request.Method), new Uri($"http://{upstreamAuthority}{request.Path}{request.QueryString}"));
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            forwarded.Content = new StreamContent(request.Body);
        }

        foreach ((string name, Microsoft.Extensions.Primitives.StringValues values) in request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!forwarded.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forwarded.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        if (IsBlobRead(request))
        {
            Interlocked.Increment(ref blobReads);
            await Task.Delay(blobDelay, aborted);
        }

        using HttpResponseMessage response = await upstream.SendAsync(forwarded, HttpCompletionOption.ResponseHeadersRead, aborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach ((string name, IEnumerable<string> values) in response.Headers.Concat(response.Content.Headers))
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            context.Response.Headers[name] = name.Equals("Location", StringComparison.OrdinalIgnoreCase)
                ? values.Select(PointedAtProxy).ToArray()
                : values.ToArray();
        }

        await using Stream body = await response.Content.ReadAsStreamAsync(aborted);
        await body.CopyToAsync(context.Response.Body, aborted);
    }

    // GET /v2/<name>/blobs/<digest>; uploads are /v2/<name>/blobs/uploads/...
    private static bool IsBlobRead(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) &&
        request.Path.Value is { } path &&
        path.Contains("/blobs/sha256:", StringComparison.Ordinal);

    // Rewritten as text: Uri would unescape the upload state in the query.
    private string PointedAtProxy(string location)
    {
        string upstreamPrefix = $"http://{upstreamAuthority}/";
        return location.StartsWith(upstreamPrefix, StringComparison.OrdinalIgnoreCase)
            ? $"http://{Authority}/{location[upstreamPrefix.Length..]}"
            : location;
    }
}
