using ManagedImages.Api;
using ManagedImages.Functions.Tests.Support;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Functions.Tests;

/// <summary>
/// Webhook secrets, right or wrong, in headers or the query, never reach a log line (any level, Trace included) or an
/// answer: every log line the access check and the webhook handlers write is captured.
/// </summary>
[Trait("Category", "Stack")]
public sealed class SecretsNotLoggedTests(FunctionsHostFixture host) : IClassFixture<FunctionsHostFixture>
{
    [Fact]
    public async Task Right_and_wrong_webhook_secrets_appear_in_no_log_line_and_no_answer()
    {
        using var logs = new CapturedLogs();
        await using var services = TestAccess.Create(logs: logs);
        var wrong = "wrong-webhook-secret-" + Guid.NewGuid().ToString("N");
        var endpoints = new WebhooksEndpoints(
            host.Services.GetRequiredService<ManagedImages.Webhooks.AcrPushNotifications>(),
            host.Services.GetRequiredService<ManagedImages.Upgrades.BasePushHandler>(),
            host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ManagedImages.Builds.CustomImageOptions>>(),
            services.GetRequiredService<ILogger<WebhooksEndpoints>>());
        var push = $$$"""{"id": "1", "action": "push", "target": {"repository": "fntest-nobody/x", "tag": "1", "digest": "sha256:{{{new string('c', 64)}}}"}}""";
        var answers = new List<Written>();

        foreach (var secret in new[] { wrong, TestAccess.AcrSecret })
        {
            var request = Requests.Anonymous("POST", "/api/webhooks/acr", push, services);
            request.Headers["X-ManagedImages-Webhook-Key"] = secret;
            answers.Add(await Requests.WriteAsync(await endpoints.AcrPushAsync(request)));
        }

        foreach (var secret in new[] { wrong, TestAccess.EventGridSecret })
        {
            var request = Requests.Anonymous("POST", "/api/webhooks/eventgrid", "[]", services);
            request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?key=" + secret);
            answers.Add(await Requests.WriteAsync(await endpoints.EventGridAsync(request)));
        }

        Assert.Equal([401, 200, 401, 200], answers.Select(a => a.Status));
        Assert.NotEmpty(logs.Lines);
        foreach (var secret in new[] { wrong, TestAccess.AcrSecret, TestAccess.EventGridSecret })
        {
            Assert.Empty(logs.Containing(secret));
            Assert.DoesNotContain(answers, a => a.Text.Contains(secret, StringComparison.Ordinal));
        }
    }
}
