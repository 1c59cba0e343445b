using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Activities.Tests.Support;

/// <summary>
/// A reverse proxy on a free loopback port in front of Azurite's Table endpoint that forwards every request as it is,
/// except that a test can hold the next request matching a predicate until it releases it: two writers' requests then
/// reach the real table in the order the test chooses, without any switch in the product.
/// </summary>
internal sealed partial class GatedTableProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Host",
    };

    private readonly WebApplication app;
    private readonly HttpClient upstream = new(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None });
    private readonly Uri upstreamEndpoint;
    private readonly List<Gate> gates = [];

    private GatedTableProxy(WebApplication app, Uri upstreamEndpoint)
    {
        this.app = app;
        this.upstreamEndpoint = upstreamEndpoint;
    }

    /// <summary><paramref name="connectionString"/> with its table endpoint pointed at this proxy.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <param name="connectionString">The storage connection string whose TableEndpoint this proxy stands in front of.</param>
    public static async Task<GatedTableProxy> StartAsync(string connectionString)
    {
        var endpoint = TableEndpoint().Match(connectionString);
        if (!endpoint.Success) throw new InvalidOperationException("the storage connection string names no TableEndpoint");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var upstreamEndpoint = new Uri(endpoint.Groups["url"].Value);
        var proxy = new GatedTableProxy(app, upstreamEndpoint);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        // The shared key signs the path, not the host, so the same account works through the proxy.
        var proxied = new UriBuilder(upstreamEndpoint) { Host = address.Host, Port = address.Port }.Uri.ToString().TrimEnd('/');
        proxy.ConnectionString = TableEndpoint().Replace(connectionString, $"TableEndpoint={proxied}");
        return proxy;
    }

    /// <summary>Holds the next request for which <paramref name="match"/>(method, path, body) is true until the gate is released.</summary>
    public Gate Hold(Func<string, string, string, bool> match)
    {
        var gate = new Gate(match);
        lock (gates) gates.Add(gate);
        return gate;
    }

    public async ValueTask DisposeAsync()
    {
        lock (gates)
        {
            foreach (var gate in gates) gate.Release();
        }
        await app.StopAsync();
        await app.DisposeAsync();
        upstream.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var path = Uri.UnescapeDataString(request.Path.Value ?? "");

        Gate? held = null;
        lock (gates)
        {
            held = gates.FirstOrDefault(g => !g.Arrived.IsCompleted && g.Matches(request.Method, path, Encoding.UTF8.GetString(body)));
            held?.Arrive();
        }
        if (held is not null) await held.Released;

        using var forwarded = new HttpRequestMessage(
            new HttpMethod(request.Method), new Uri($"{upstreamEndpoint.GetLeftPart(UriPartial.Authority)}{request.Path}{request.QueryString}"));
        if (body.Length > 0 || request.ContentLength is not null) forwarded.Content = new ByteArrayContent(body);
        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name)) continue;
            if (!forwarded.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                forwarded.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        using var response = await upstream.SendAsync(forwarded, HttpCompletionOption.ResponseContentRead, context.RequestAborted);
        held?.Answer((int)response.StatusCode);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name)) context.Response.Headers[name] = values.ToArray();
        }
        await context.Response.Body.WriteAsync(await response.Content.ReadAsByteArrayAsync(context.RequestAborted), context.RequestAborted);
    }

    [GeneratedRegex("TableEndpoint=(?<url>[^;]+)")]
    private static partial Regex TableEndpoint();

    /// <summary>One held request: when it arrived, the release that lets it through, and the status the table answered.</summary>
    internal sealed class Gate(Func<string, string, string, bool> match)
    {
        private readonly TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<int> answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the matching request has come and is being held.</summary>
        public Task Arrived => arrived.Task;

        /// <summary>The status code the table answered the held request with, once released.</summary>
        public Task<int> Answered => answered.Task;

        internal Task Released => released.Task;

        public void Release() => released.TrySetResult();

        internal bool Matches(string method, string path, string body) => match(method, path, body);

        internal void Arrive() => arrived.TrySetResult();

        internal void Answer(int status) => answered.TrySetResult(status);
    }
}
