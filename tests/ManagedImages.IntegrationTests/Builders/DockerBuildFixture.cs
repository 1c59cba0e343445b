using Azure.Data.Tables;
using Docker.DotNet;
using Docker.DotNet.Models;
using ManagedImages.Builders;
using ManagedImages.Builds;
using ManagedImages.Jobs;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.IntegrationTests.Builders;

/// <summary>
/// The package builders wired as the hosts wire them (AddDockerJobLauncher + AddPackageBuilders) on the stack's engine,
/// registry and Azurite (a table prefix of its own, dropped at the end), a Debian base with apt pushed under a tag of a
/// fresh repository, and a local apt repository serving mi-hello 1.0 that builds use as their extra source.
/// </summary>
public sealed class DockerBuildFixture : IAsyncLifetime
{
    private readonly List<string> _localImages = [];
    private ServiceProvider? _services;
    private string _connectionString = "";

    public DockerClient Docker { get; private set; } = null!;

    public LocalAptRepository Apt { get; private set; } = null!;

    public string Registry { get; private set; } = "";

    public string TablePrefix { get; } = UniqueNames.Compact("t");

    /// <summary>The base tag: <c>{registry}/it-builders-{id}/debian:bookworm</c>.</summary>
    public ImageReference BaseTag { get; private set; } = null!;

    /// <summary>The digest the base tag pointed to after the fixture pushed version 1.</summary>
    public string BaseDigest1 { get; private set; } = "";

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        Registry = await LocalStack.RequireRegistryAsync(timeout.Token);
        Docker = await LocalStack.ConnectDockerAsync(timeout.Token);
        _connectionString = await LocalStack.RequireAzuriteAsync(timeout.Token);
        Apt = await LocalAptRepository.StartAsync();
        await Apt.PublishAsync("mi-hello", "1.0", timeout.Token);

        var configuration = LocalStack.Configuration(new Dictionary<string, string?>
        {
            ["Storage:TablePrefix"] = TablePrefix,
            ["CustomImages:RepositoryPrefix"] = "it-builders",
            ["Docker:NetworkMode"] = "none",
            ["Builds:Apt:Sources:0"] = Apt.SourceLine,
        });
        _services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddDockerJobLauncher(configuration)
            .AddPackageBuilders(configuration)
            .BuildServiceProvider();

        BaseTag = new ImageReference(Registry, $"{UniqueNames.Of("it-builders")}/debian", "bookworm", null);
        BaseDigest1 = await PushBaseAsync(1, timeout.Token);
    }

    public IImageBuilder Builder => Services.GetRequiredService<IImageBuilder>();

    public DockerEngineBuilder EngineBuilder => Services.GetRequiredService<DockerEngineBuilder>();

    public BuildRecordingStore Recordings => Services.GetRequiredService<BuildRecordingStore>();

    public RegistryClient RegistryClient => Services.GetRequiredService<RegistryClient>();

    public IJobLauncher Launcher => Services.GetRequiredService<IJobLauncher>();

    /// <summary>
    /// Imports the Debian rootfs as base version <paramref name="version"/> (its config says MI_BASE_VERSION), pushes it
    /// under <see cref="BaseTag"/> and returns the digest the tag now points to.
    /// </summary>
    public async Task<string> PushBaseAsync(int version, CancellationToken cancellationToken)
    {
        var rootfs = await DebianRootfs.GetOrCreateAsync(cancellationToken);
        var import = new ImagesCreateParameters
        {
            FromSrc = "-",
            Repo = BaseTag.Name,
            Tag = BaseTag.Tag,
            Changes = [$"ENV MI_BASE_VERSION={version}", "CMD [\"/bin/bash\"]"],
        };
        var messages = new EngineErrors();
        await using (var stream = File.OpenRead(rootfs))
            await Docker.Images.CreateImageAsync(import, stream, null, messages, cancellationToken);
        messages.ThrowIfFailed($"importing {BaseTag}");

        var image = await Docker.Images.InspectImageAsync(BaseTag.ToString(), cancellationToken);
        lock (_localImages) _localImages.Add(image.ID);
        var push = new EngineErrors();
        await Docker.Images.PushImageAsync(BaseTag.Name, new ImagePushParameters { Tag = BaseTag.Tag }, new AuthConfig(), push, cancellationToken);
        push.ThrowIfFailed($"pushing {BaseTag}");

        var digest = await RegistryClient.ResolveDigestAsync(BaseTag, cancellationToken)
            ?? throw new InvalidOperationException($"{BaseTag} is not in the registry after the push.");
        return digest.ToString();
    }

    public async Task DisposeAsync()
    {
        foreach (var id in _localImages)
        {
            try
            {
                await Docker.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = true }, CancellationToken.None);
            }
            catch (DockerApiException)
            {
                // Still used by an image a test built: the engine keeps it; nothing else depends on it.
            }
        }
        if (Apt is not null) await Apt.DisposeAsync();
        if (_services is not null) await _services.DisposeAsync();
        if (_connectionString.Length > 0)
        {
            var tables = new TableServiceClient(_connectionString);
            await foreach (var table in tables.QueryAsync(t => t.Name.CompareTo(TablePrefix) >= 0 && t.Name.CompareTo(TablePrefix + "~") < 0))
                await tables.DeleteTableAsync(table.Name);
        }
        Docker?.Dispose();
    }

    /// <summary>A nickname no other test uses.</summary>
    public static string NewNickname(string prefix) => UniqueNames.Of(prefix);
}
