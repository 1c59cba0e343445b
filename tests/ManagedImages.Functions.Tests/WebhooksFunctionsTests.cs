using ManagedImages.Api;
using ManagedImages.Builds;
using ManagedImages.Functions.Durable;
using ManagedImages.Functions.Http;
using ManagedImages.Functions.Tests.Support;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Functions.Tests;

/// <summary>The ACR push webhook through its Functions trigger, on the services the Functions app composes.</summary>
[Trait("Category", "Stack")]
public sealed class WebhooksFunctionsTests(FunctionsHostFixture host) : IClassFixture<FunctionsHostFixture>
{
    private static readonly string SomeDigest = "sha256:" + new string('b', 64);

    private WebhooksFunctions Functions => new(
        host.Services.CreateScope().ServiceProvider.GetRequiredService<WebhooksEndpoints>(),
        host.Services.GetRequiredService<BoundDurableClient>());

    private static string Push(string repository, string tag, string digest) =>
        $$$"""
        {"id": "{{{Guid.NewGuid()}}}", "timestamp": "2025-01-01T00:00:00Z", "action": "push",
         "target": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 500, "digest": "{{{digest}}}", "length": 500,
                    "repository": "{{{repository}}}", "tag": "{{{tag}}}"},
         "request": {"id": "r1", "host": "{{{LocalStack.Registry}}}", "method": "PUT", "useragent": "test"}}
        """;

    [Theory]
    [InlineData("{\"action\": \"push\", \"target\": {\"repository\": \"fntest-managed/x\", \"tag\": \"build-v1\", \"digest\": \"nope\"}}", "target.digest")]
    [InlineData("{\"action\": \"push\"}", "target")]
    [InlineData("{\"target\": {\"repository\": \"fntest-managed/x\"}}", "action")]
    [InlineData("{\"action\": \"push\", \"target\": {\"repository\": \"fntest-managed/x\", \"size\": \"big\"}}", "target.size")]
    [InlineData("not json", "$")]
    [InlineData("", "$")]
    public async Task A_body_that_is_not_a_push_event_answers_400_naming_the_field(string body, string field)
    {
        var durable = DurableClients.Create();

        var answer = await Requests.WriteAsync(await Functions.AcrPush(Requests.Create("POST", "/api/webhooks/acr", body), durable.Object));

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal([field], answer.ErrorFields());
        Assert.False(string.IsNullOrEmpty(answer.Body.GetProperty("detail").GetString()));
        durable.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_push_of_another_repository_answers_200_ignored_and_changes_nothing()
    {
        var durable = DurableClients.Create();

        var answer = await Requests.WriteAsync(await Functions.AcrPush(
            Requests.Create("POST", "/api/webhooks/acr", Push("someone/else", "latest", SomeDigest)), durable.Object));

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("application/json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal("Ignored", answer.Body.GetProperty("outcome").GetString());
        Assert.Contains("someone/else is not a custom image repository", answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        durable.VerifyNoOtherCalls();
        // The trigger bound a client for the events a push may raise, even in a worker no build activity ran in.
        Assert.Same(durable.Object, host.Services.GetRequiredService<BoundDurableClient>().Current);
    }

    [Fact]
    public async Task A_push_of_a_working_tag_no_build_waits_for_answers_200_and_records_nothing()
    {
        var durable = DurableClients.Create();
        var nick = UniqueNames.Of("fnw");

        var answer = await Requests.WriteAsync(await Functions.AcrPush(
            Requests.Create("POST", "/api/webhooks/acr", Push($"fntest-managed/{nick}", "build-v1", SomeDigest)), durable.Object));

        Assert.Equal(200, answer.Status);
        Assert.Equal("NoBuild", answer.Body.GetProperty("outcome").GetString());
        Assert.Contains($"no build of v1 of '{nick}'", answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await host.Services.GetRequiredService<BuildStore>().FindByVersionAsync(nick, 1, CancellationToken.None));
        Assert.Null(await host.Store.GetAsync(nick));
        durable.VerifyNoOtherCalls();
    }
}
