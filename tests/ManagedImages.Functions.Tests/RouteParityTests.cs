using System.Reflection;
using ManagedImages.Api;
using ManagedImages.Functions.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Functions.Tests;

/// <summary>
/// The Functions app serves every route of the one-machine host (the minimal API mapping of the same handlers), with
/// the same method, and nothing the other host lacks: a route added to one host and not the other fails here.
/// </summary>
public sealed class RouteParityTests
{
    [Fact]
    public async Task Every_route_of_the_one_machine_host_is_a_functions_http_trigger_and_back()
    {
        var mapped = await MappedRoutesAsync();
        var triggers = TriggerRoutes();

        Assert.NotEmpty(mapped);
        Assert.Equal(mapped.Order(StringComparer.Ordinal), triggers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_trigger_has_a_unique_function_name()
    {
        var names = typeof(Http.RunsFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => m.GetCustomAttribute<FunctionAttribute>()?.Name)
            .OfType<string>()
            .ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    /// <summary>"METHOD /api/route" for each endpoint MapManagedImagesApi maps, with parameter names dropped.</summary>
    private static async Task<List<string>> MappedRoutesAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton<DurableTaskClient>(DurableClients.Create().Object);
        await using var app = builder.Build();
        app.MapManagedImagesApi();
        var sources = ((IEndpointRouteBuilder)app).DataSources;
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Select(m => $"{m.ToUpperInvariant()} {Normalize(e.RoutePattern.RawText!)}"))
            .ToList();
    }

    /// <summary>"METHOD /api/route" for each [HttpTrigger] of the Functions app (the host's default route prefix is api).</summary>
    private static List<string> TriggerRoutes() =>
        typeof(Http.RunsFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters())
            .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>())
            .OfType<HttpTriggerAttribute>()
            .SelectMany(t => (t.Methods ?? ["ANY"]).Select(m => $"{m.ToUpperInvariant()} {Normalize("/api/" + t.Route)}"))
            .ToList();

    private static string Normalize(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route.TrimEnd('/'), @"\{[^}]+\}", "{}");
}
