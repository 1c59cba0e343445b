using ManagedImages.Api;
using ManagedImages.Functions.Durable;
using ManagedImages.Functions.Http;
using ManagedImages.Functions.Tests.Support;
using ManagedImages.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Functions.Tests;

/// <summary>
/// Roles from App Service authentication's principal header (Entra ID app roles) and webhook secrets, through the
/// Functions triggers: 401 without or with unusable credentials, 403 for a caller whose app role does not suffice.
/// </summary>
[Trait("Category", "Stack")]
public sealed class AccessFunctionsTests(FunctionsHostFixture host) : IClassFixture<FunctionsHostFixture>
{
    private const string Busybox = "{\"base\": \"127.0.0.1:5000/fntest/busybox:1\"}";

    private ImagesFunctions Images => new(host.Services.CreateScope().ServiceProvider.GetRequiredService<ImagesEndpoints>());

    private WebhooksFunctions Webhooks => new(
        host.Services.CreateScope().ServiceProvider.GetRequiredService<WebhooksEndpoints>(),
        host.Services.GetRequiredService<BoundDurableClient>());

    private static HttpRequest As(string? principal, string method, string path, string? body = null, IServiceProvider? services = null)
    {
        var request = Requests.Anonymous(method, path, body, services);
        if (principal is not null) request.Headers["X-MS-CLIENT-PRINCIPAL"] = principal;
        return request;
    }

    private static string Validation() =>
        $$$"""
        [{"id": "{{{Guid.NewGuid()}}}", "topic": "/subscriptions/x", "subject": "", "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
          "eventTime": "2025-01-01T00:00:00Z", "dataVersion": "1", "data": {"validationCode": "code-123", "validationUrl": "https://example.test"}}]
        """;

    [Fact]
    public async Task Without_a_principal_every_route_answers_401_with_a_bearer_challenge_and_the_role_it_needs()
    {
        var list = await Requests.WriteAsync(await Images.List(As(null, "GET", "/api/images")));
        var nick = UniqueNames.Of("fnacc");
        var put = await Requests.WriteAsync(await Images.Put(As(null, "PUT", $"/api/images/{nick}", Busybox), nick, DurableClients.Create().Object));

        Assert.Equal(401, list.Status);
        Assert.StartsWith("application/problem+json", list.ContentType, StringComparison.Ordinal);
        Assert.Equal("Bearer", list.Headers["WWW-Authenticate"]);
        Assert.Contains("needs the user (app role 'ManagedImages.User'", list.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(401, put.Status);
        Assert.Contains("needs the admin (app role 'ManagedImages.Admin')", put.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await host.Store.GetAsync(nick, default));
    }

    [Fact]
    public async Task A_user_may_list_and_read_but_registering_is_403_naming_the_admin_app_role()
    {
        var nick = UniqueNames.Of("fnacc");
        var durable = DurableClients.Create();

        var list = await Requests.WriteAsync(await Images.List(As(Principals.User, "GET", "/api/images")));
        var put = await Requests.WriteAsync(await Images.Put(As(Principals.User, "PUT", $"/api/images/{nick}", Busybox), nick, durable.Object));
        var delete = await Requests.WriteAsync(await Images.Delete(As(Principals.User, "DELETE", $"/api/images/{nick}"), nick));

        Assert.Equal(200, list.Status);
        Assert.Equal(403, put.Status);
        Assert.Equal(Problems.ForbiddenType, put.Body.GetProperty("type").GetString());
        Assert.Equal("'user@example.test' has the user (app role 'ManagedImages.User' or 'ManagedImages.Admin') role only; "
            + $"PUT /api/images/{nick} needs the admin (app role 'ManagedImages.Admin') role", put.Body.GetProperty("detail").GetString());
        Assert.Equal(403, delete.Status);
        Assert.Null(await host.Store.GetAsync(nick, default));
        durable.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task An_admin_may_register_and_as_admin_implies_user_also_read()
    {
        var nick = UniqueNames.Of("fnacc");

        var put = await Requests.WriteAsync(await Images.Put(As(Principals.Admin, "PUT", $"/api/images/{nick}", Busybox), nick, DurableClients.Create().Object));
        var get = await Requests.WriteAsync(await Images.Get(As(Principals.Admin, "GET", $"/api/images/{nick}"), nick));

        Assert.Equal(202, put.Status);
        Assert.Equal(200, get.Status);
    }

    [Fact]
    public async Task A_signed_in_caller_without_an_app_role_of_this_service_is_403()
    {
        var answer = await Requests.WriteAsync(await Images.List(As(Principals.Encode("someone@example.test", "Other.App.Role"), "GET", "/api/images")));

        Assert.Equal(403, answer.Status);
        Assert.StartsWith("'someone@example.test' has no role of this service", answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_role_claim_type_is_the_one_the_principal_names_and_the_app_role_names_are_configurable()
    {
        await using var services = TestAccess.Create(new Dictionary<string, string?> { ["Auth:AdminRole"] = "Ops.Admin", ["Auth:UserRole"] = "Ops.Reader" });
        var longRoleType = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
        var nick = UniqueNames.Of("fnacc");

        var reader = await Requests.WriteAsync(await Images.List(As(Principals.WithRoleType("app-1", longRoleType, "Ops.Reader"), "GET", "/api/images", services: services)));
        var defaultName = await Requests.WriteAsync(await Images.List(As(Principals.User, "GET", "/api/images", services: services)));
        var admin = await Requests.WriteAsync(await Images.Put(
            As(Principals.WithRoleType("app-2", longRoleType, "Ops.Admin"), "PUT", $"/api/images/{nick}", Busybox, services), nick, DurableClients.Create().Object));

        Assert.Equal(200, reader.Status);
        Assert.Equal(403, defaultName.Status);
        Assert.Equal(202, admin.Status);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm90IGpzb24=")] // "not json"
    public async Task A_principal_header_that_is_not_app_service_authentications_is_401(string header)
    {
        var answer = await Requests.WriteAsync(await Images.List(As(header, "GET", "/api/images")));

        Assert.Equal(401, answer.Status);
        Assert.Contains("X-MS-CLIENT-PRINCIPAL header is not App Service authentication's principal", answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_app_service_authentication_enabled_the_principal_header_is_not_trusted()
    {
        // Only with authentication on does the platform strip a client's own X-MS-CLIENT-PRINCIPAL.
        await using var services = TestAccess.Create(new Dictionary<string, string?> { ["WEBSITE_AUTH_ENABLED"] = null });

        var answer = await Requests.WriteAsync(await Images.List(As(Principals.Admin, "GET", "/api/images", services: services)));

        Assert.Equal(401, answer.Status);
        Assert.Contains("App Service authentication is not enabled", answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-secret")]
    public async Task The_acr_webhook_without_its_secret_is_401_and_reaches_no_handler(string? secret)
    {
        var request = Requests.Anonymous("POST", "/api/webhooks/acr", "not even json");
        request.Headers["X-MS-CLIENT-PRINCIPAL"] = Principals.Admin; // a role is not what a webhook needs
        if (secret is not null) request.Headers["X-ManagedImages-Webhook-Key"] = secret;
        var durable = DurableClients.Create();

        var answer = await Requests.WriteAsync(await Webhooks.AcrPush(request, durable.Object));

        Assert.Equal(401, answer.Status);
        Assert.Contains("Webhooks:AcrSecret", answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("X-ManagedImages-Webhook-Key", answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        durable.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task The_acr_webhook_secret_may_come_in_a_configured_authorization_header()
    {
        await using var services = TestAccess.Create(new Dictionary<string, string?> { ["Webhooks:AcrHeader"] = "Authorization" });
        var bearer = Requests.Anonymous("POST", "/api/webhooks/acr", "not even json", services);
        bearer.Headers.Authorization = "Bearer " + TestAccess.AcrSecret;
        var plain = Requests.Anonymous("POST", "/api/webhooks/acr", "not even json", services);
        plain.Headers.Authorization = TestAccess.AcrSecret;
        var wrong = Requests.Anonymous("POST", "/api/webhooks/acr", "not even json", services);
        wrong.Headers["X-ManagedImages-Webhook-Key"] = TestAccess.AcrSecret;

        // Past the check, the handler refuses the body: 400 shows the secret was accepted.
        Assert.Equal(400, (await Requests.WriteAsync(await Webhooks.AcrPush(bearer, DurableClients.Create().Object))).Status);
        Assert.Equal(400, (await Requests.WriteAsync(await Webhooks.AcrPush(plain, DurableClients.Create().Object))).Status);
        Assert.Equal(401, (await Requests.WriteAsync(await Webhooks.AcrPush(wrong, DurableClients.Create().Object))).Status);
    }

    [Fact]
    public async Task Event_grid_validation_is_answered_only_with_the_secret_in_the_query_or_the_header()
    {
        var query = Requests.Anonymous("POST", "/api/webhooks/eventgrid", Validation());
        query.QueryString = new QueryString("?key=" + Uri.EscapeDataString(TestAccess.EventGridSecret));
        var header = Requests.Anonymous("POST", "/api/webhooks/eventgrid", Validation());
        header.Headers["X-ManagedImages-Webhook-Key"] = TestAccess.EventGridSecret;
        var none = Requests.Anonymous("POST", "/api/webhooks/eventgrid", Validation());
        var acrs = Requests.Anonymous("POST", "/api/webhooks/eventgrid", Validation());
        acrs.Headers["X-ManagedImages-Webhook-Key"] = TestAccess.AcrSecret;

        var byQuery = await Requests.WriteAsync(await Webhooks.EventGrid(query, DurableClients.Create().Object));
        var byHeader = await Requests.WriteAsync(await Webhooks.EventGrid(header, DurableClients.Create().Object));
        var without = await Requests.WriteAsync(await Webhooks.EventGrid(none, DurableClients.Create().Object));
        var withAcrs = await Requests.WriteAsync(await Webhooks.EventGrid(acrs, DurableClients.Create().Object));

        Assert.Equal("code-123", byQuery.Body.GetProperty("validationResponse").GetString());
        Assert.Equal("code-123", byHeader.Body.GetProperty("validationResponse").GetString());
        Assert.Equal(401, without.Status);
        Assert.Equal(401, withAcrs.Status);
        Assert.Contains("Webhooks:EventGridSecret", without.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_azure_a_webhook_without_a_configured_secret_is_refused_naming_the_setting()
    {
        await using var services = TestAccess.Create(new Dictionary<string, string?> { ["Webhooks:AcrSecret"] = null });

        var answer = await Requests.WriteAsync(await Webhooks.AcrPush(Requests.Create("POST", "/api/webhooks/acr", "{}", services), DurableClients.Create().Object));

        Assert.Equal(401, answer.Status);
        Assert.StartsWith("no ACR webhook secret is configured: set Webhooks:AcrSecret", answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
