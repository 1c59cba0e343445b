using System.Net;
using ManagedImages.Api;
using ManagedImages.Api.Access;
using ManagedImages.Local.Access;
using ManagedImages.Local.Durable;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ManagedImages.Local.Hosting;

/// <summary>
/// The one-machine host: the HTTP API, the durable sidecar on its own h2c port, the orchestration worker and client,
/// and the services the orchestrations use, all in one process.
/// </summary>
public static class LocalHost
{
    /// <summary>Builds the host from the usual sources (appsettings, environment, <paramref name="args"/>) plus <paramref name="overrides"/>.</summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        // The sidecar logs every gRPC call at Information.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        HttpOptions http = new();
        builder.Configuration.GetSection(HttpOptions.Section).Bind(http);
        Uri api = ParseApiUrl(http.Url);

        // The orchestrations' services; their build completions reach waiting runs through the DurableTaskClient below.
        builder.Services.AddManagedImages(builder.Configuration);

        // Who may call the API: API keys from Auth:ApiKeys, checked now so a bad entry stops the host with the field's name.
        builder.Services.Configure<ApiKeyOptions>(builder.Configuration.GetSection(ApiKeyOptions.Section));
        ApiKeyOptions keys = new();
        builder.Configuration.GetSection(ApiKeyOptions.Section).Bind(keys);
        _ = ApiKeyAuthenticator.Read(keys);
        builder.Services.AddApiAccess<ApiKeyAuthenticator>(builder.Configuration);
        SidecarEndpoint sidecar = builder.Services.AddLocalDurable(builder.Configuration, tasks => tasks.AddManagedImagesTasks());

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(ListenAddress(api), api.Port, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, sidecar.Port, listen => listen.Protocols = HttpProtocols.Http2);
        });

        WebApplication app = builder.Build();
        app.MapLocalDurableSidecar();
        app.MapManagedImagesApi();
        if (keys.ApiKeys.Count == 0)
        {
            app.Logger.LogWarning(
                "No API keys are configured (Auth:ApiKeys): the HTTP API accepts every caller on this machine as an admin, and no other caller");
        }

        return app;
    }

    /// <summary>The URL the HTTP API of <paramref name="app"/> listens on.</summary>
    public static Uri ApiUrl(WebApplication app)
    {
        HttpOptions http = new();
        app.Configuration.GetSection(HttpOptions.Section).Bind(http);
        return ParseApiUrl(http.Url);
    }

    private static Uri ParseApiUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttp && uri.AbsolutePath == "/"
            ? uri
            : throw new InvalidOperationException($"Http:Url '{url}' must be an http URL with a host and port, like {HttpOptions.DefaultUrl}.");

    private static IPAddress ListenAddress(Uri url) =>
        url.Host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(url.Host, out IPAddress? address) ? address
        : throw new InvalidOperationException($"Http:Url host '{url.Host}' must be an IP address or localhost.");
}
