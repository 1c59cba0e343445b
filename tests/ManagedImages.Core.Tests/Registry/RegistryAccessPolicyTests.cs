using System.Net;
using ManagedImages.Builds;
using ManagedImages.Oci;
using ManagedImages.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ManagedImages.Core.Tests.Registry;

public class RegistryAccessPolicyTests
{
    private const string Host = TestRegistryClient.Host;

    internal static RegistryAccessPolicy Policy(params string[] allowedBases)
    {
        var registry = new RegistryOptions();
        foreach (var pattern in allowedBases) registry.AllowedBaseRepositories.Add(pattern);
        return new RegistryAccessPolicy(Options.Create(registry), Options.Create(new CustomImageOptions { Registry = Host }));
    }

    /// <summary>A client built as the hosts build it, custom images in {Host}/managed, bases only from {Host}/bases/*.</summary>
    private static RegistryClient Restricted(HttpMessageHandler handler)
    {
        var services = new ServiceCollection();
        services.AddRegistryClient(new ConfigurationBuilder().Build()).ConfigurePrimaryHttpMessageHandler(() => handler);
        services.Configure<CustomImageOptions>(o => o.Registry = Host);
        services.Configure<RegistryOptions>(o =>
        {
            o.RetryDelay = TimeSpan.FromMilliseconds(1);
            o.AllowedBaseRepositories.Add($"{Host}/bases/*");
        });
        return services.BuildServiceProvider().GetRequiredService<RegistryClient>();
    }

    [Theory]
    [InlineData("docker.io/library/busybox", "docker.io", "library/busybox", true)]
    [InlineData("docker.io/library/busybox", "docker.io", "library/busybox2", false)]
    [InlineData("docker.io/library/busybox", "DOCKER.IO", "library/busybox", true)]
    [InlineData("myacr.azurecr.io/bases/*", "myacr.azurecr.io", "bases/dotnet/runtime", true)]
    [InlineData("myacr.azurecr.io/bases/*", "myacr.azurecr.io", "bases", false)]
    [InlineData("myacr.azurecr.io/bases/*", "myacr.azurecr.io", "basesx/tool", false)]
    [InlineData("myacr.azurecr.io/bases/*", "other.azurecr.io", "bases/tool", false)]
    [InlineData("127.0.0.1:5000/*", "127.0.0.1:5000", "any/thing", true)]
    public void Patterns_match_one_repository_or_everything_under_a_prefix(string pattern, string registry, string repository, bool matches)
    {
        Assert.True(RepositoryPattern.TryParse(pattern, out var parsed, out _));
        Assert.Equal(matches, parsed.Matches(registry, repository));
    }

    [Theory]
    [InlineData("busybox")]
    [InlineData("docker.io/")]
    [InlineData("docker.io/library/busybox:1.36")]
    [InlineData("docker.io/lib*/busybox")]
    [InlineData("docker.io/library/ busybox")]
    [InlineData("")]
    public void A_malformed_pattern_is_refused_when_the_policy_is_built_naming_the_setting_and_the_form(string pattern)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Policy("docker.io/library/busybox", pattern));

        Assert.Contains("Registry:AllowedBaseRepositories:1", error.Message, StringComparison.Ordinal);
        Assert.Contains(RepositoryPattern.Accepted, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_allow_list_every_base_is_allowed()
    {
        var policy = Policy();

        Assert.False(policy.IsRestricted);
        Assert.Null(policy.BaseProblem(ImageReference.Parse("alpine:3")));
        Assert.True(policy.MayWrite("docker.io", "library/alpine"));
    }

    [Fact]
    public void A_base_outside_the_list_is_a_problem_that_lists_what_is_accepted()
    {
        var policy = Policy("docker.io/library/busybox", "myacr.azurecr.io/bases/*");

        Assert.Null(policy.BaseProblem(ImageReference.Parse("busybox:1.36")));
        Assert.Null(policy.BaseProblem(ImageReference.Parse("myacr.azurecr.io/bases/dotnet:8")));
        var problem = policy.BaseProblem(ImageReference.Parse("alpine:3"));

        Assert.NotNull(problem);
        Assert.Contains("docker.io/library/alpine", problem, StringComparison.Ordinal);
        Assert.Contains("docker.io/library/busybox, myacr.azurecr.io/bases/*", problem, StringComparison.Ordinal);
        Assert.Contains("Registry:AllowedBaseRepositories", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_an_allow_list_the_client_refuses_to_push_outside_the_custom_images_without_sending_anything()
    {
        var handler = new FakeRegistryHandler((_, _) => FakeRegistryHandler.Status(HttpStatusCode.Created));
        var client = Restricted(handler);

        var outside = await Assert.ThrowsAsync<RegistryAccessDeniedException>(() =>
            client.PutManifestAsync(ImageReference.Parse($"{Host}/bases/tool:1"), MediaTypes.OciManifest, "{}"u8.ToArray(), default));
        var delete = await Assert.ThrowsAsync<RegistryAccessDeniedException>(() =>
            client.DeleteManifestAsync(ImageReference.Parse($"{Host}/bases/tool@{Digest.Sha256("{}"u8)}"), default));

        Assert.Contains($"{Host}/managed/*", outside.Message, StringComparison.Ordinal);
        Assert.Contains("CustomImages:Registry", outside.Message, StringComparison.Ordinal);
        Assert.Contains($"{Host}/bases/tool", delete.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task With_an_allow_list_the_client_reads_only_allowed_bases_and_custom_images()
    {
        var handler = new FakeRegistryHandler((_, _) =>
        {
            var ok = FakeRegistryHandler.Status(HttpStatusCode.OK);
            ok.Headers.Add("Docker-Content-Digest", Digest.Sha256("{}"u8).ToString());
            return ok;
        });
        var client = Restricted(handler);

        await client.ResolveDigestAsync(ImageReference.Parse($"{Host}/bases/tool:1"), default);
        await client.ResolveDigestAsync(ImageReference.Parse($"{Host}/managed/team-base:v1"), default);
        var error = await Assert.ThrowsAsync<RegistryAccessDeniedException>(() =>
            client.ResolveDigestAsync(ImageReference.Parse($"{Host}/elsewhere/tool:1"), default));

        Assert.Contains("neither an allowed base repository", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{Host}/bases/*", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task A_mount_into_a_custom_image_from_an_allowed_base_is_allowed_and_from_another_repository_refused()
    {
        var handler = new FakeRegistryHandler((_, _) => FakeRegistryHandler.Status(HttpStatusCode.Created));
        var client = Restricted(handler);
        var digest = Digest.Sha256("layer"u8);

        Assert.True(await client.MountBlobAsync(Host, "managed/team-base", digest, "bases/tool", default));
        await Assert.ThrowsAsync<RegistryAccessDeniedException>(() =>
            client.MountBlobAsync(Host, "managed/team-base", digest, "private/secrets", default));

        Assert.Single(handler.Requests);
    }
}
