using ManagedImages.Builders;
using ManagedImages.Builds;
using ManagedImages.Oci;
using ManagedImages.Registrations;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.IntegrationTests.Builders;

/// <summary>
/// The service's image builder as AddPackageBuilders wires it, with the package builder replaced by one that only
/// counts its calls: a rebase is done by the real layer builder on the real registry and never reaches the package
/// builder (nor creates it); a package registration goes to it.
/// </summary>
[Trait("Category", "Stack")]
[Collection(DockerBuildsDefinition.Name)]
public sealed class PlannedImageBuilderTests(DockerBuildFixture fixture)
{
    [Fact]
    public async Task A_rebase_never_creates_or_calls_the_package_builder_and_a_package_registration_goes_to_it()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var counting = new CountingPackageBuilder();
        var created = 0;
        var configuration = LocalStack.Configuration(new Dictionary<string, string?>
        {
            ["CustomImages:Registry"] = fixture.Registry,
            ["CustomImages:RepositoryPrefix"] = "it-planned",
            ["Storage:TablePrefix"] = fixture.TablePrefix,
        });
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddTransient<IPackageImageBuilder>(_ =>
        {
            Interlocked.Increment(ref created);
            return counting;
        });
        await using var provider = services.AddPackageBuilders(configuration).BuildServiceProvider();
        var builder = provider.GetRequiredService<IImageBuilder>();

        var nickname = DockerBuildFixture.NewNickname("planned");
        var layerOnly = new Registration
        {
            Base = fixture.BaseTag.ToString(),
            Files = [new FileSpec { Path = "/etc/planned", Content = "rebased\n" }],
            Env = new Dictionary<string, string> { ["PLANNED"] = "1" },
        };
        var rebased = await builder.BuildAsync(new BuildRequest(nickname, 1, 1, layerOnly, fixture.BaseDigest1), timeout.Token);

        Assert.Equal(0, created);
        Assert.Equal(0, counting.Calls);
        var manifest = await fixture.RegistryClient.GetManifestAsync(ImageReference.Parse(rebased.Image), timeout.Token);
        Assert.Equal(MediaTypes.OciManifest, manifest!.MediaType);

        var withPackages = layerOnly with { Packages = new PackageSpec { Apt = ["mi-hello"] } };
        var built = await builder.BuildAsync(new BuildRequest(nickname, 2, 2, withPackages, fixture.BaseDigest1), timeout.Token);
        Assert.Equal(1, counting.Calls);
        Assert.Equal(CountingPackageBuilder.Image, built.Image);
    }

    private sealed class CountingPackageBuilder : IPackageImageBuilder
    {
        public const string Image = "127.0.0.1:5000/counted@sha256:0000000000000000000000000000000000000000000000000000000000000000";

        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<BuiltImage> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new BuiltImage(Image, Image[(Image.IndexOf('@', StringComparison.Ordinal) + 1)..], request.BaseDigest));
        }
    }
}
