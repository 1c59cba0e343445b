using ManagedImages.Api;
using ManagedImages.Builds;
using ManagedImages.Functions.Http;
using ManagedImages.Functions.Tests.Support;
using ManagedImages.Registry;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ManagedImages.Functions.Tests;

/// <summary>PUT /api/images/{nick} with Registry:AllowedBaseRepositories set: a base outside the list is refused before anything is stored.</summary>
[Trait("Category", "Stack")]
public sealed class AllowedBaseApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ImagesFunctions Functions()
    {
        var registry = new RegistryOptions();
        registry.AllowedBaseRepositories.Add("127.0.0.1:5000/fntest/*");
        registry.AllowedBaseRepositories.Add("docker.io/library/busybox");
        var access = new RegistryAccessPolicy(Options.Create(registry), Options.Create(new CustomImageOptions()));
        var endpoints = new ImagesEndpoints(fixture.Store, fixture.Registry, fixture.Services.GetRequiredService<BuildRecordingStore>(),
            access, NullLogger<ImagesEndpoints>.Instance);
        return new ImagesFunctions(endpoints);
    }

    [Fact]
    public async Task A_base_outside_the_allow_list_answers_400_problem_naming_base_and_what_is_accepted()
    {
        var nick = UniqueNames.Of("allow");
        var durable = DurableClients.Create();

        var answer = await Requests.WriteAsync(await Functions().Put(
            Requests.Create("PUT", $"/api/images/{nick}", "{\"base\": \"127.0.0.1:5000/private/tool:1\"}"), nick, durable.Object));

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(Problems.InvalidRequestType, answer.Body.GetProperty("type").GetString());
        Assert.Equal(["base"], answer.ErrorFields());
        var detail = answer.Body.GetProperty("detail").GetString();
        Assert.Contains("127.0.0.1:5000/private/tool is not an allowed base repository", detail, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:5000/fntest/*, docker.io/library/busybox", detail, StringComparison.Ordinal);
        Assert.Null(await fixture.Store.GetAsync(nick));
        durable.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_base_in_the_allow_list_is_registered()
    {
        var nick = UniqueNames.Of("allow");
        var durable = DurableClients.Create();

        var answer = await Requests.WriteAsync(await Functions().Put(
            Requests.Create("PUT", $"/api/images/{nick}", "{\"base\": \"127.0.0.1:5000/fntest/busybox:1\"}"), nick, durable.Object));

        Assert.Equal(202, answer.Status);
        Assert.NotNull(await fixture.Store.GetAsync(nick));
    }
}
