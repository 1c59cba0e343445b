using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ManagedImages.Local.Cli;
using ManagedImages.Local.Hosting;
using ManagedImages.TestSupport;

namespace ManagedImages.Local.Tests;

/// <summary>
/// The one-machine host with API keys: 401 without or with an unknown key, 403 for a user key on an admin route, the
/// CLI sending <c>--api-key</c> or <c>MANAGEDIMAGES_API_KEY</c>, the ACR webhook's secret, and no key or secret in
/// the host's Trace log or any answer.
/// </summary>
public sealed class ApiKeyTests(KeyedHostFixture fixture) : IClassFixture<KeyedHostFixture>
{
    private const string InvalidRegistration = "{\"base\": \"\"}";

    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(
        HostProcess host, HttpMethod method, string path, string? key = null, string? body = null, Action<HttpRequestHeaders>? headers = null)
    {
        using HttpClient http = new() { BaseAddress = host.Url, Timeout = TimeSpan.FromSeconds(30) };
        using HttpRequestMessage request = new(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        headers?.Invoke(request.Headers);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [Fact, Trait("Category", "Stack")]
    public async Task Without_a_key_or_with_an_unknown_one_every_route_is_401_with_a_bearer_challenge()
    {
        HostProcess host = await fixture.RequireAsync();

        var none = await SendAsync(host, HttpMethod.Get, "api/images");
        var unknown = await SendAsync(host, HttpMethod.Put, "api/images/x", "not-a-key-of-this-host", InvalidRegistration);

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal("application/problem+json", none.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer realm=\"managed-images\"", none.Response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("no API key: send one as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'", Detail(none.Body), StringComparison.Ordinal);
        Assert.Contains("GET /api/images needs the user role", Detail(none.Body), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Contains("the API key is not one this host knows", Detail(unknown.Body), StringComparison.Ordinal);
    }

    [Fact, Trait("Category", "Stack")]
    public async Task A_user_key_may_read_but_an_admin_route_is_403_naming_the_admin_role()
    {
        HostProcess host = await fixture.RequireAsync();

        var list = await SendAsync(host, HttpMethod.Get, "api/images", fixture.UserKey);
        var byHeader = await SendAsync(host, HttpMethod.Get, "api/images", headers: h => h.Add("X-Api-Key", fixture.UserKey));
        var put = await SendAsync(host, HttpMethod.Put, "api/images/x", fixture.UserKey, InvalidRegistration);
        var pin = await SendAsync(host, HttpMethod.Put, "api/images/x/pin", fixture.UserKey, "{\"version\": 1}");

        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(HttpStatusCode.OK, byHeader.Status);
        Assert.Equal(HttpStatusCode.Forbidden, put.Status);
        Assert.Contains("'ci' has the user role only; PUT /api/images/x needs the admin role", Detail(put.Body), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, pin.Status);
    }

    [Fact, Trait("Category", "Stack")]
    public async Task An_admin_key_reaches_the_admin_routes_and_as_admin_implies_user_the_user_routes()
    {
        HostProcess host = await fixture.RequireAsync();

        var put = await SendAsync(host, HttpMethod.Put, "api/images/x", fixture.AdminKey, InvalidRegistration);
        var list = await SendAsync(host, HttpMethod.Get, "api/images", fixture.AdminKey);

        // Past the check the handler judges the body: 400 naming the field.
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.Contains("\"field\":\"base\"", put.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, list.Status);
    }

    [Fact, Trait("Category", "Stack")]
    public async Task The_cli_sends_the_key_given_with_api_key_or_in_MANAGEDIMAGES_API_KEY()
    {
        HostProcess host = await fixture.RequireAsync();

        CliRun without = await CliRun.InvokeAsync("images", "--url", host.Url.ToString());
        CliRun withOption = await CliRun.InvokeAsync("images", "--url", host.Url.ToString(), "--api-key", fixture.UserKey);
        CliRun userPins = await CliRun.InvokeAsync("pin", "x", "1", "--api-key", fixture.UserKey, "--url", host.Url.ToString());
        CliRun fromEnvironment;
        Environment.SetEnvironmentVariable("MANAGEDIMAGES_API_KEY", fixture.UserKey);
        try
        {
            fromEnvironment = await CliRun.InvokeAsync("images", "--url", host.Url.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("MANAGEDIMAGES_API_KEY", null);
        }

        Assert.True(without.ExitCode == ExitCodes.Failure, without.ToString());
        Assert.Contains("no API key", without.Error, StringComparison.Ordinal);
        Assert.Contains("--api-key or MANAGEDIMAGES_API_KEY", without.Error, StringComparison.Ordinal);
        Assert.True(withOption.ExitCode == ExitCodes.Ok, withOption.ToString());
        Assert.True(fromEnvironment.ExitCode == ExitCodes.Ok, fromEnvironment.ToString());
        Assert.True(userPins.ExitCode == ExitCodes.Failure, userPins.ToString());
        Assert.Contains("needs the admin role", userPins.Error, StringComparison.Ordinal);
    }

    [Fact, Trait("Category", "Stack")]
    public async Task The_acr_webhook_needs_its_secret_and_an_api_key_does_not_replace_it()
    {
        HostProcess host = await fixture.RequireAsync();

        var none = await SendAsync(host, HttpMethod.Post, "api/webhooks/acr", body: "{}");
        var adminKey = await SendAsync(host, HttpMethod.Post, "api/webhooks/acr", fixture.AdminKey, "{}");
        var secret = await SendAsync(host, HttpMethod.Post, "api/webhooks/acr", body: "{}",
            headers: h => h.Add("X-ManagedImages-Webhook-Key", fixture.WebhookSecret));

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Contains("Webhooks:AcrSecret", Detail(none.Body), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, adminKey.Status);
        Assert.Equal(HttpStatusCode.BadRequest, secret.Status);
    }

    [Fact, Trait("Category", "Stack")]
    public async Task No_key_or_webhook_secret_right_or_wrong_appears_in_the_hosts_trace_log_or_an_answer()
    {
        HostProcess host = await fixture.RequireAsync();
        string wrongKey = "wrong-key-" + Guid.NewGuid().ToString("N");
        string wrongSecret = "wrong-secret-" + Guid.NewGuid().ToString("N");

        List<string> answers =
        [
            (await SendAsync(host, HttpMethod.Get, "api/images", wrongKey)).Body,
            (await SendAsync(host, HttpMethod.Get, "api/images", headers: h => h.Add("X-Api-Key", wrongKey))).Body,
            (await SendAsync(host, HttpMethod.Get, "api/images", fixture.UserKey)).Body,
            (await SendAsync(host, HttpMethod.Put, "api/images/x", fixture.UserKey, InvalidRegistration)).Body,
            (await SendAsync(host, HttpMethod.Put, "api/images/x", fixture.AdminKey, InvalidRegistration)).Body,
            (await SendAsync(host, HttpMethod.Post, "api/webhooks/acr", body: "{}", headers: h => h.Add("X-ManagedImages-Webhook-Key", wrongSecret))).Body,
            (await SendAsync(host, HttpMethod.Post, "api/webhooks/acr", body: "{}", headers: h => h.Add("X-ManagedImages-Webhook-Key", fixture.WebhookSecret))).Body,
            (await CliRun.InvokeAsync("images", "--url", host.Url.ToString(), "--api-key", wrongKey)).ToString(),
            (await CliRun.InvokeAsync("register", "x", "-f", "/nonexistent.json", "--url", host.Url.ToString(), "--api-key", fixture.AdminKey)).ToString(),
        ];

        // The console logger writes in the background: the refusal of the wrong webhook secret is logged after the answer.
        await Eventually(() => host.Output.Contains("Refused the ACR webhook: wrong secret", StringComparison.Ordinal));
        Assert.Contains("Refused GET /api/images", host.Output, StringComparison.Ordinal);
        Assert.Contains("trce:", host.Output, StringComparison.Ordinal); // Trace really is on.
        foreach (string secret in new[] { wrongKey, wrongSecret, fixture.UserKey, fixture.AdminKey, fixture.WebhookSecret })
        {
            Assert.DoesNotContain(secret, host.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(answers, answer => answer.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("Role", "root", "Auth:ApiKeys:0:Role must be 'admin' or 'user'")]
    [InlineData("Key", "short", "Auth:ApiKeys:0:Key must have at least 16 characters")]
    [InlineData("KeyHash", "md5:00", "Auth:ApiKeys:0 needs exactly one of Key and KeyHash")]
    [InlineData("Name", "", "Auth:ApiKeys:0:Name is required")]
    public void A_bad_key_entry_stops_the_host_naming_the_field(string field, string value, string message)
    {
        Dictionary<string, string?> settings = new()
        {
            ["Auth:ApiKeys:0:Name"] = "ops",
            ["Auth:ApiKeys:0:Key"] = "a-key-long-enough-1234",
            ["Auth:ApiKeys:0:Role"] = "admin",
        };
        settings[$"Auth:ApiKeys:0:{field}"] = value;

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => LocalHost.Build([], settings));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a-key-long-enough-1234", error.Message, StringComparison.Ordinal);
    }

    private static string Detail(string problem) =>
        System.Text.Json.JsonDocument.Parse(problem).RootElement.GetProperty("detail").GetString() ?? "";

    private static async Task Eventually(Func<bool> condition)
    {
        for (int i = 0; i < 50 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), "the host did not log the expected line within 5 s");
    }
}
