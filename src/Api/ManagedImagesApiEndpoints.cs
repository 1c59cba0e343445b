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
        return services;
    }

    /// <summary>
    /// Maps the HTTP API under /api with minimal APIs: the routes and JSON the Functions app serves, from the same
    /// handlers. Needs ImageStore, RegistryClient and a DurableTaskClient in the services.
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
        api.MapPost("/images/{nickname}/runs", (string nickname, HttpRequest request, [FromServices] DurableTaskClient durable) =>
            Runs(request).StartAsync(nickname, request, durable));
        api.MapGet("/runs/{id}", (string id, HttpRequest request, [FromServices] DurableTaskClient durable) =>
            Runs(request).GetAsync(id, request, durable));
        return endpoints;
    }

    private static ImagesEndpoints Images(HttpRequest request) =>
        ActivatorUtilities.GetServiceOrCreateInstance<ImagesEndpoints>(request.HttpContext.RequestServices);

    private static RunsEndpoints Runs(HttpRequest request) =>
        ActivatorUtilities.GetServiceOrCreateInstance<RunsEndpoints>(request.HttpContext.RequestServices);
}
