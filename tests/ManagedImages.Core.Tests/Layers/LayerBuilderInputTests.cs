using ManagedImages.Builds;
using ManagedImages.Layers;
using ManagedImages.Registrations;
using ManagedImages.Registry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ManagedImages.Core.Tests.Layers;

/// <summary>Requests the layer builder refuses before it sends anything to a registry.</summary>
public sealed class LayerBuilderInputTests : IDisposable
{
    private readonly HttpClient _http = new(new RefusingHandler());
    private readonly LayerBuilder _builder;

    public LayerBuilderInputTests() =>
        _builder = new LayerBuilder(
            new RegistryClient(_http, Options.Create(new RegistryOptions())),
            Options.Create(new CustomImageOptions()),
            NullLogger<LayerBuilder>.Instance);

    private static readonly string SomeDigest = "sha256:" + new string('a', 64);

    [Fact]
    public async Task A_registration_with_packages_is_not_supported_and_the_message_names_packages()
    {
        var registration = new Registration { Base = "127.0.0.1:5000/base:1", Packages = new PackageSpec { Apt = ["curl"] } };

        var error = await Assert.ThrowsAsync<NotSupportedException>(
            () => _builder.BuildAsync(new BuildRequest("nick", 1, 1, registration, SomeDigest), CancellationToken.None));

        Assert.Contains("packages", error.Message, StringComparison.Ordinal);
        Assert.Contains("later version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_base_reference_is_refused_naming_the_base_field()
    {
        var registration = new Registration { Base = "Not A Reference" };

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _builder.BuildAsync(new BuildRequest("nick", 1, 1, registration, SomeDigest), CancellationToken.None));

        Assert.StartsWith("base:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_base_digest_is_refused()
    {
        var registration = new Registration { Base = "127.0.0.1:5000/base:1" };

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _builder.BuildAsync(new BuildRequest("nick", 1, 1, registration, "latest"), CancellationToken.None));

        Assert.StartsWith("BaseDigest:", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Fails the test if the builder reaches the network.</summary>
    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"No request was expected, got {request.Method} {request.RequestUri}");
    }
}
