using System.Reflection;
using ManagedImages.Api;
using ManagedImages.Api.Access;
using ManagedImages.Functions.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;

namespace ManagedImages.Functions.Tests;

/// <summary>The route table both hosts check (ApiAccessRules) covers every route each host serves, with the role the issue gives it.</summary>
public sealed class AccessRulesTests
{
    private static readonly List<HttpTriggerAttribute> Triggers = [.. typeof(ImagesFunctions).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods())
        .SelectMany(m => m.GetParameters())
        .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>())
        .OfType<HttpTriggerAttribute>()];

    [Fact]
    public void Every_functions_http_trigger_has_its_own_row_in_the_access_rules()
    {
        var triggers = Triggers.SelectMany(t => (t.Methods ?? []).Select(method => (Method: method.ToUpperInvariant(), t.Route))).ToList();

        Assert.NotEmpty(triggers);
        foreach (var (method, route) in triggers)
        {
            var row = ApiAccessRules.Find(method, "/api/" + Concrete(route!));
            Assert.True(row is not null && row.Template == route, $"{method} {route} has no row of its own in ApiAccessRules");
        }
    }

    /// <summary>The roles replace function keys: a key-protected trigger would refuse callers who hold the right app role.</summary>
    [Fact]
    public void Every_functions_http_trigger_is_anonymous_to_the_functions_host_so_the_role_check_decides() =>
        Assert.All(Triggers, t => Assert.True(t.AuthLevel == AuthorizationLevel.Anonymous, $"{t.Route} is {t.AuthLevel}"));

    [Fact]
    public void Every_route_the_one_machine_host_maps_has_its_own_row_in_the_access_rules()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        app.MapManagedImagesApi();
        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m, Pattern: e.RoutePattern.RawText!)))
            .ToList();

        Assert.NotEmpty(routes);
        foreach (var (method, pattern) in routes)
        {
            var row = ApiAccessRules.Find(method, Concrete(pattern));
            Assert.True(row is not null && "/api/" + row.Template == pattern, $"{method} {pattern} has no row of its own in ApiAccessRules");
        }
    }

    [Theory]
    [InlineData("GET", "/api/images", AccessRule.User)]
    [InlineData("GET", "/api/images/x", AccessRule.User)]
    [InlineData("POST", "/api/images/x/runs", AccessRule.User)]
    [InlineData("GET", "/api/runs/r-1", AccessRule.User)]
    [InlineData("GET", "/api/images/x/plan", AccessRule.User)]
    [InlineData("GET", "/api/images/x/versions", AccessRule.User)]
    [InlineData("GET", "/api/images/x/versions/2/log", AccessRule.User)]
    [InlineData("PUT", "/api/images/x", AccessRule.Admin)]
    [InlineData("DELETE", "/api/images/x", AccessRule.Admin)]
    [InlineData("PUT", "/api/images/x/pin", AccessRule.Admin)]
    [InlineData("DELETE", "/api/images/x/pin", AccessRule.Admin)]
    [InlineData("POST", "/api/images/x/rollback", AccessRule.Admin)]
    [InlineData("POST", "/api/images/x/gc", AccessRule.Admin)]
    [InlineData("POST", "/api/webhooks/acr", AccessRule.AcrWebhook)]
    [InlineData("POST", "/api/webhooks/eventgrid", AccessRule.EventGridWebhook)]
    [InlineData("POST", "/api/something/new", AccessRule.Admin)]
    [InlineData("GET", "/api/images/x/pin", AccessRule.Admin)]
    public void Each_route_needs_the_role_the_issue_gives_it_and_an_unlisted_one_needs_admin(string method, string path, AccessRule rule) =>
        Assert.Equal(rule, ApiAccessRules.RuleFor(method, path));

    private static string Concrete(string template) =>
        System.Text.RegularExpressions.Regex.Replace(template, @"\{[^}]+\}", "x");
}
