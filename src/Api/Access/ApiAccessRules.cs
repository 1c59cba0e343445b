using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace ManagedImages.Api.Access;

/// <summary>
/// Who may call each route, in one place: both hosts check every request against this table before its handler runs
/// (<see cref="ApiAccess"/>). A new route gets its row here; a route without one needs <see cref="AccessRule.Admin"/>.
/// </summary>
public static class ApiAccessRules
{
    /// <summary>The prefix both hosts serve the API under (the Functions host's default route prefix).</summary>
    public const string Prefix = "/api";

    public static IReadOnlyList<RouteAccess> Routes { get; } =
    [
        new("GET", "images", AccessRule.User),
        new("GET", "images/{nickname}", AccessRule.User),
        new("PUT", "images/{nickname}", AccessRule.Admin),
        new("DELETE", "images/{nickname}", AccessRule.Admin),
        new("POST", "images/{nickname}/runs", AccessRule.User),
        new("GET", "images/{nickname}/plan", AccessRule.User),
        new("GET", "images/{nickname}/versions", AccessRule.User),
        new("GET", "images/{nickname}/versions/{version}/log", AccessRule.User),
        new("GET", "images/{nickname}/versions/{version}/packages", AccessRule.User),
        new("PUT", "images/{nickname}/pin", AccessRule.Admin),
        new("DELETE", "images/{nickname}/pin", AccessRule.Admin),
        new("POST", "images/{nickname}/rollback", AccessRule.Admin),
        new("POST", "images/{nickname}/gc", AccessRule.Admin),
        new("GET", "runs/{id}", AccessRule.User),
        new("POST", "webhooks/acr", AccessRule.AcrWebhook),
        new("POST", "webhooks/eventgrid", AccessRule.EventGridWebhook),
    ];

    private static readonly (RouteAccess Route, TemplateMatcher Matcher)[] Matchers =
        [.. Routes.Select(r => (r, new TemplateMatcher(TemplateParser.Parse(r.Template), [])))];

    /// <summary>The row for a request, or null when no row matches (the caller then needs <see cref="AccessRule.Admin"/>).</summary>
    public static RouteAccess? Find(string method, PathString path)
    {
        // The rules are written relative to /api; a host serving without the prefix matches them as they are.
        var relative = path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase, out var rest) ? rest : path;
        foreach (var (route, matcher) in Matchers)
        {
            if (string.Equals(route.Method, method, StringComparison.OrdinalIgnoreCase) && matcher.TryMatch(relative, new RouteValueDictionary()))
                return route;
        }

        return null;
    }

    /// <summary>The rule for a request: its row's, else admin (a route nobody listed is not opened by accident).</summary>
    public static AccessRule RuleFor(string method, PathString path) => Find(method, path)?.Rule ?? AccessRule.Admin;
}
