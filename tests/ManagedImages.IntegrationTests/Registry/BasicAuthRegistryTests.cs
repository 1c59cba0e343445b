using System.Net;
using System.Text;
using System.Text.Json;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.IntegrationTests.Registry;

/// <summary>The registry client against a real registry that wants basic auth (started by the fixture).</summary>
[Trait("Category", "Stack")]
public sealed class BasicAuthRegistryTests(BasicAuthRegistry authRegistry) : IClassFixture<BasicAuthRegistry>, IDisposable
{
    private readonly List<ServiceProvider> providers = [];

    public void Dispose()
    {
        foreach (var provider in providers) provider.Dispose();
    }

    private RegistryClient Create(string? username = BasicAuthRegistry.Username, string? password = BasicAuthRegistry.Password, CapturedLogs? logs = null)
    {
        var services = new ServiceCollection();
        if (logs is not null) services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddRegistryClient(LocalStack.Configuration());
        if (username is not null)
            services.Configure<RegistryOptions>(options =>
                options.Credentials[authRegistry.Host] = new RegistryCredential { Username = username, Password = password });
        var provider = services.BuildServiceProvider();
        providers.Add(provider);
        return provider.GetRequiredService<RegistryClient>();
    }

    [Fact]
    public async Task With_the_hosts_credentials_blobs_and_manifests_are_pushed_and_read_back()
    {
        var client = Create();
        var repository = UniqueNames.Of("it-oci") + "/auth";
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""");
        var configDescriptor = new Descriptor(MediaTypes.OciConfig, Digest.Sha256(config).ToString(), config.Length);
        await client.PushBlobAsync(authRegistry.Host, repository, Digest.Sha256(config), config.Length, new MemoryStream(config), default);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new ImageManifest(MediaTypes.OciManifest, configDescriptor, []));
        var reference = ImageReference.Parse($"{authRegistry.Host}/{repository}:v1");

        var digest = await client.PutManifestAsync(reference, MediaTypes.OciManifest, manifest, default);

        Assert.Equal(digest, await client.ResolveDigestAsync(reference, default));
        Assert.Equal(manifest, (await client.GetManifestAsync(reference, default))?.Bytes);
        Assert.Equal(config, await client.GetBlobBytesAsync(authRegistry.Host, repository, configDescriptor, default));
        Assert.Equal(["v1"], await client.ListTagsAsync(authRegistry.Host, repository, default));
    }

    [Fact]
    public async Task Without_credentials_the_registry_refuses_with_401_and_the_error_says_what_to_configure()
    {
        var client = Create(username: null);

        // A GET: a HEAD answer has no body to carry the registry's error code.
        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.GetManifestAsync(ImageReference.Parse($"{authRegistry.Host}/any/repo:v1"), default));

        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal("UNAUTHORIZED", error.Code);
        Assert.Contains("Registry:Credentials", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_401()
    {
        var client = Create(password: "not-the-password");

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.ResolveDigestAsync(ImageReference.Parse($"{authRegistry.Host}/any/repo:v1"), default));

        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
    }

    [Fact]
    public async Task A_blob_is_copied_across_registries_streamed_and_checked()
    {
        var registry = await LocalStack.RequireRegistryAsync();
        var client = Create();
        var from = ImageReference.Parse($"{registry}/{UniqueNames.Of("it-oci")}/x");
        var to = ImageReference.Parse($"{authRegistry.Host}/{UniqueNames.Of("it-oci")}/x");
        var bytes = Encoding.UTF8.GetBytes("cross-registry " + from);
        var descriptor = new Descriptor(MediaTypes.OciLayer, Digest.Sha256(bytes).ToString(), bytes.Length);
        await client.PushBlobAsync(from.Registry, from.Repository, Digest.Sha256(bytes), bytes.Length, new MemoryStream(bytes), default);

        await client.CopyBlobAsync(from, to, descriptor, default);

        Assert.Equal(bytes, await client.GetBlobBytesAsync(to.Registry, to.Repository, descriptor, default));
    }

    [Fact]
    public async Task Neither_a_right_nor_a_wrong_password_nor_its_basic_header_appears_in_a_trace_log_line_or_the_error()
    {
        using var logs = new CapturedLogs();
        var wrongPassword = "wrong-pass-" + Guid.NewGuid().ToString("N");
        var reference = ImageReference.Parse($"{authRegistry.Host}/{UniqueNames.Of("it-oci")}/secret:v1");

        var error = await Assert.ThrowsAsync<RegistryException>(() => Create(password: wrongPassword, logs: logs).GetManifestAsync(reference, default));
        var found = await Create(logs: logs).GetManifestAsync(reference, default);

        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Null(found); // the right password reaches the registry, which has no such manifest
        Assert.NotEmpty(logs.Lines);
        foreach (var secret in new[] { wrongPassword, BasicAuthRegistry.Password, Basic(wrongPassword), Basic(BasicAuthRegistry.Password) })
        {
            Assert.Empty(logs.Containing(secret));
            Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
        }
    }

    private static string Basic(string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{BasicAuthRegistry.Username}:{password}"));
}
