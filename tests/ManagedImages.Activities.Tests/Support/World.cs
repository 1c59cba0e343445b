using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Docker.DotNet.Models;
using ManagedImages.Builds;
using ManagedImages.Jobs;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registration;
using ManagedImages.Registrations;
using ManagedImages.Runs;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Activities.Tests.Support;

/// <summary>
/// One test's world: the orchestrations on a DurableTaskTestHost with every real part (ImageStore on Azurite, the
/// registry, LayerBuilder behind a fault-injecting decorator, DockerJobLauncher on the engine), its own table prefix,
/// nickname and base repository. Disposing it removes the tables and containers it made.
/// </summary>
internal sealed class World : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly DurableTaskTestHost host;
    private readonly string tablePrefix;

    private World(DurableTaskTestHost host, string suffix, string tablePrefix)
    {
        this.host = host;
        this.tablePrefix = tablePrefix;
        Nickname = "img-" + suffix;
        BaseReference = $"{LocalStack.Registry}/acttests/base-{suffix}:latest";
    }

    public string Nickname { get; }

    /// <summary>The base tag the test's registration builds on; <see cref="PushBaseAsync"/> moves it.</summary>
    public string BaseReference { get; }

    public DurableTaskClient Client => host.Client;

    public IServiceProvider Services => host.Services;

    public ImageStore Images => Services.GetRequiredService<ImageStore>();

    public BuildStore Builds => Services.GetRequiredService<BuildStore>();

    public FaultInjectingBuilder Builder => Services.GetRequiredService<FaultInjectingBuilder>();

    /// <summary>A registration that adds /etc/greeting with <paramref name="greeting"/>.</summary>
    public Registrations.Registration Greeting(string greeting) => new()
    {
        Base = BaseReference,
        Files = [new FileSpec { Path = "/etc/greeting", Content = greeting + "\n" }],
    };

    /// <summary>Args that print what the job runs on: the base version and the registration's greeting.</summary>
    public static IReadOnlyList<string> PrintVersions => ["sh", "-c", "cat /etc/base-version /etc/greeting"];

    public static async Task<World> StartAsync(
        TimeSpan? buildTimeout = null, TimeSpan? checkInterval = null, Action<IServiceCollection>? configure = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        await LocalStack.RequireAllAsync();
        var suffix = UniqueNames.Suffix();
        var tablePrefix = "acttests" + suffix;
        var configuration = LocalStack.Configuration(new Dictionary<string, string?>
        {
            ["Storage:TablePrefix"] = tablePrefix,
            ["Builds:Timeout"] = (buildTimeout ?? TimeSpan.FromSeconds(90)).ToString("c"),
            ["Builds:CheckInterval"] = (checkInterval ?? TimeSpan.FromSeconds(2)).ToString("c"),
        }.Concat(settings ?? new Dictionary<string, string?>()).ToDictionary());

        var host = await DurableTaskTestHost.StartAsync(
            tasks => tasks.AddManagedImagesTasks(),
            new DurableTaskTestHostOptions
            {
                Port = FreeLoopbackPort(),
                ConfigureServices = services =>
                {
                    services.AddManagedImages(configuration);
                    services.AddSingleton(sp => new FaultInjectingBuilder(sp.GetRequiredService<LayerBuilder>()));
                    services.AddSingleton<IImageBuilder>(sp => sp.GetRequiredService<FaultInjectingBuilder>());
                    configure?.Invoke(services);
                },
            });
        return new World(host, suffix, tablePrefix);
    }

    /// <summary>Pushes a busybox base whose /etc/base-version says <paramref name="version"/> to the base tag; returns its digest.</summary>
    public async Task<string> PushBaseAsync(string version)
    {
        var pushed = await BusyboxImage.PushAsync(
            Services.GetRequiredService<ScratchImage>(), ImageReference.Parse(BaseReference), $"base {version}", CancellationToken.None);
        return pushed.Digest;
    }

    /// <summary>Stores the registration and runs RegisterImage for it, which builds its first version.</summary>
    public async Task<RegisterOutput> RegisterAsync(Registrations.Registration registration)
    {
        var stored = await Images.SaveAsync(Nickname, registration, null, CancellationToken.None);
        var metadata = await RunToEndAsync(nameof(RegisterImageOrchestrator), new RegisterImageInput(Nickname, stored.Revision));
        Assert.True(metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"registering failed: {metadata.FailureDetails}");
        return metadata.ReadOutputAs<RegisterOutput>()!;
    }

    public Task<string> StartRunAsync(IReadOnlyList<string> args) =>
        Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(RunImageOrchestrator), new RunImageInput(Nickname, args, new Dictionary<string, string>()));

    public async Task<OrchestrationMetadata> WaitAsync(string instanceId)
    {
        using var patience = new CancellationTokenSource(Patience);
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, patience.Token);
    }

    public async Task<OrchestrationMetadata> RunAsync(IReadOnlyList<string> args) => await WaitAsync(await StartRunAsync(args));

    public async Task<OrchestrationMetadata> RunToEndAsync(TaskName orchestrator, object input) =>
        await WaitAsync(await Client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input));

    /// <summary>The job containers of this world's runs (the launcher keeps them after they end).</summary>
    public async Task<IList<ContainerListResponse>> ContainersAsync(string? runId = null)
    {
        using var docker = LocalStack.Docker();
        var label = runId is null ? $"{JobLabels.Nickname}={Nickname}" : $"{JobLabels.RunId}={runId}";
        return await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        using (var docker = LocalStack.Docker())
        {
            foreach (var container in await ContainersAsync())
                await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
        var tables = new TableServiceClient(LocalStack.Storage);
        foreach (var table in new[] { "images", "runsbybase", "builds" })
            await tables.DeleteTableAsync(tablePrefix + table);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
