using Docker.DotNet;
using Docker.DotNet.Models;
using ManagedImages.Jobs;
using ManagedImages.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.IntegrationTests.Jobs;

/// <summary>
/// One busybox base in the registry and a launcher wired as the hosts wire it. Every container a test makes carries
/// <see cref="TestRunLabel"/>, so the fixture removes exactly those at the end.
/// </summary>
public sealed class DockerJobsFixture : IAsyncLifetime
{
    public const string TestRunLabel = "io.managedimages.test-run";

    private ServiceProvider? _services;
    private readonly List<string> _images = [];

    public string TestRun { get; } = Guid.NewGuid().ToString("N")[..12];

    public DockerClient Docker { get; private set; } = null!;

    public DockerImportedBusybox.PushedImage Base { get; private set; } = null!;

    public IJobLauncher Launcher { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await LocalStack.RequireRegistryAsync(timeout.Token);
        Docker = await LocalStack.ConnectDockerAsync(timeout.Token);
        Base = await CreateBaseAsync(timeout.Token);

        // DOCKER_HOST reaches the launcher through the fallback of AddDockerJobLauncher, as in the hosts.
        var configuration = new ConfigurationBuilder().Build();
        _services = new ServiceCollection().AddLogging().AddDockerJobLauncher(configuration).BuildServiceProvider();
        Launcher = _services.GetRequiredService<IJobLauncher>();
    }

    /// <summary>A fresh base image that the engine does not have locally.</summary>
    public async Task<DockerImportedBusybox.PushedImage> CreateBaseAsync(CancellationToken cancellationToken)
    {
        var image = await DockerImportedBusybox.CreateAsync(Docker, LocalStack.Registry, cancellationToken);
        lock (_images)
        {
            _images.Add(image.ImageId);
        }

        return image;
    }

    public string NewJobName() => JobNames.FromRunId($"it-{TestRun}-{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>Labels for a test job: what the orchestration would set, plus the test run for clean-up.</summary>
    public Dictionary<string, string> Labels(string nickname = "it-jobs") => new()
    {
        [TestRunLabel] = TestRun,
        [JobLabels.Nickname] = nickname,
        [JobLabels.Version] = "1",
    };

    public async Task<IList<ContainerListResponse>> ContainersLabelledAsync(string label, string value, CancellationToken cancellationToken) =>
        await Docker.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{label}={value}"] = true } },
            },
            cancellationToken);

    public async Task DisposeAsync()
    {
        if (Docker is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var container in await ContainersLabelledAsync(TestRunLabel, TestRun, timeout.Token))
        {
            await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, timeout.Token);
        }

        foreach (var image in _images)
        {
            await DockerImportedBusybox.RemoveLocalAsync(Docker, image, timeout.Token);
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        Docker.Dispose();
    }
}
