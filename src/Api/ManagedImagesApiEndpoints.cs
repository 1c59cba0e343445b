using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagedImages.Api;

public static class ManagedImagesApiEndpoints
{
    /// <summary>
    /// Registers the handler classes. Optional for <see cref="MapManagedImagesApi"/> (it creates them from the request's
    /// services when absent); the Functions app injects them into its trigger classes.
    /// </summary>
    public static IServiceCollection AddManagedImagesApi(this IServiceCollection services)
    {
        services.TryAddScoped<ImagesEndpoints>();
        services.TryAddScoped<RunsEndpoints>();
        services.TryAddScoped<BuildsEndpoints>();
        services.TryAddScoped<VersionsEndpoints>();
        services.TryAddScoped<WebhooksEndpoints>();
        services.TryAddScoped<CollectionEndpoints>();
        return services;
    }

    /// <summary>
    /// Maps the HTTP API under /api with minimal APIs: the routes and JSON the Functions app serves, from the same
    /// handlers. Needs the services of AddManagedImages and a DurableTaskClient.
    /// </summary>
    public static IEndpointRouteBuilder MapManagedImagesApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup("/api");
        api.MapGet("/images", (HttpRequest request) => Images(request).ListAsync(request));
        api.MapPut("/images/{nickname}", (string nickname, HttpRequest request, [FromServices] DurableTaskClient durable) =>
            Images(request).PutAsync(nickname, request, durable));
        api.MapGet("/images/{nickname}", (string nickname, HttpRequest request) => Images(request).GetAsync(nickname, request));
        api.MapDelete("/images/{nickname}", (string nickname, HttpRequest request) => Images(request).DeleteAsync(nickname, request));
        api.MapGet("/images/{nickname}/plan", (string nickname, HttpRequest request) => Builds(request).PlanAsync(nickname, request));
        api.MapGet("/images/{nickname}/versions/{version}/log", (string nickname, string version, HttpRequest request) =>
            Builds(request).LogAsync(nickname, version, request));
        api.MapGet("/images/{nickname}/versions/{version}/packages", (string nickname, string version, HttpRequest request) =>
            Builds(request).PackagesAsync(nickname, version, request));
        api.MapGet("/images/{nickname}/versions", (string nickname, HttpRequest request) => Versions(request).ListAsync(nickname, request));
        api.MapPut("/images/{nickname}/pin", (string nickname, HttpRequest request) => Versions(request).PinAsync(nickname, request));
        api.MapDelete("/images/{nickname}/pin", (string nickname, HttpRequest request) => Versions(request).UnpinAsync(nickname, request));
        api.MapPost("/images/{nickname}/rollback", (string nickname, HttpRequest request) => Versions(request).RollBackAsync(nickname, request));
        api.MapPost("/images/{nickname}/gc", (string nickname, HttpRequest request) => Collection(request).CollectAsync(nickname, request));
        api.MapPost("/webhooks/acr", (HttpRequest request) => Webhooks(request).AcrPushAsync(request));
        api.MapPost("/webhooks/eventgrid", (HttpRequest request) => Webhooks(request).EventGridAsync(request));
        api.MapPost("/images/{nickname}/runs", (string nickname, HttpRequest request, [FromServices] DurableTaskClient durable) =>
            Runs(request).StartAsync(nickname, request, durable));
        api.MapGet("/runs/{id}", (string id, HttpRequest request, [FromServices] DurableTaskClient durable) =>
            Runs(request).GetAsync(id, request, durable));
        return endpoints;
    }

    private static ImagesEndpoints Images(HttpRequest request) =>
        ActivatorUtilities.GetServiceOrCreateInstance<ImagesEndpoints>(request.HttpContext.RequestServices);

    private static BuildsEndpoints Builds(HttpRequest request) =>
        ActivatorUtilities.GetServiceOrCreateInstance<BuildsEndpoints>(request.HttpContext.RequestServices);

    private static VersionsEndpoints Versions(HttpRequest request) =>
        ActivatorUtilities.GetServiceOrCreateInstance<VersionsEndpoints>(request.HttpContext.RequestServices);

    private static CollectionEndpoints Collection(HttpRequest request) =>
        ActivatorUtilities.GetServiceOrCreateInstance<CollectionEndpoints>(request.HttpContext.RequestServices);

    private static WebhooksEndpoints Webhooks(HttpRequest request) =>
        ActivatorUtilities.GetServiceOrCreateInstance<WebhooksEndpoints>(request.HttpContext.RequestServices);

    private static RunsEndpoints Runs(HttpRequest request) =>
        ActivatorUtilities.GetServiceOrCreateInstance<RunsEndpoints>(request.HttpContext.RequestServices);
}
