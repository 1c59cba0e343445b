using System.Text;
using Azure.Data.Tables;
using Docker.DotNet;
using Docker.DotNet.Models;
using ManagedImages.Jobs;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registration;
using ManagedImages.Registrations;
using ManagedImages.Runs;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Benchmarks.Runs;

/// <summary>
/// The orchestrations on a durable backend with every real part (ImageStore on Azurite, the stack's registry,
/// LayerBuilder, DockerJobLauncher), a busybox base, and one nickname registered and built through RegisterImage, so
/// its current version is fresh. Disposing it stops the backend (deleting its task hub, if it has one) and removes its
/// tables and job containers.
/// </summary>
internal sealed class FreshImageHost : IAsyncDisposable
{
    private readonly IDurableBackend _host;
    private readonly string _tablePrefix;

    private FreshImageHost(IDurableBackend host, string tablePrefix, string nickname, ImageReference baseTag)
    {
        _host = host;
        _tablePrefix = tablePrefix;
        Nickname = nickname;
        BaseTag = baseTag;
    }

    /// <summary>The backend's name, as the tables show it.</summary>
    public string Backend => _host.Name;

    public string Nickname { get; }

    public ImageReference BaseTag { get; }

    /// <summary>How many activities the backend dispatches at once.</summary>
    public int ActivityConcurrency => _host.ActivityConcurrency;

    public DurableTaskClient Client => _host.Client;

    public IServiceProvider Services => _host.Services;

    public IDockerClient Docker => Services.GetRequiredService<IDockerClient>();

    public static async Task<FreshImageHost> StartAsync(RunsBackend backend, TextWriter log, CancellationToken cancellationToken)
    {
        var registry = await LocalStack.RequireRegistryAsync(cancellationToken);
        await LocalStack.RequireAzuriteAsync(cancellationToken);
        await LocalStack.RequireDockerAsync(cancellationToken);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var tablePrefix = "bench" + suffix;
        var settings = new Dictionary<string, string?>
        {
            ["Storage:TablePrefix"] = tablePrefix,
            ["CustomImages:RepositoryPrefix"] = "bench-runs",
        };
        IDurableBackend host = backend switch
        {
            RunsBackend.Memory => await TestHostBackend.StartAsync(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), cancellationToken),
            // A task hub of its own (letters and digits), deleted at the end.
            RunsBackend.AzureStorage => await LocalHostBackend.StartAsync(settings, "bench" + suffix, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "not a backend"),
        };

        var nickname = "bench-" + suffix;
        var baseTag = new ImageReference(registry, $"bench-runs/base-{suffix}", "latest", null);
        var world = new FreshImageHost(host, tablePrefix, nickname, baseTag);
        try
        {
            await world.RegisterAsync(cancellationToken);
            log.WriteLine($"  {nickname} registered on {baseTag} and built (v1), backend: {host.Name} ({host.Details})");
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary>The digest-pinned image of the nickname's current version, as a run would launch it.</summary>
    public async Task<string> CurrentImageAsync(CancellationToken cancellationToken)
    {
        var images = Services.GetRequiredService<ImageStore>();
        var stored = await images.GetAsync(Nickname, cancellationToken) ?? throw new InvalidOperationException($"{Nickname} is not registered.");
        var current = (await images.GetVersionsAsync(Nickname, cancellationToken)).First(v => v.Number == stored.CurrentVersion);
        return ImageReference.Parse(current.Image).WithDigest(Digest.Parse(current.Digest)).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        using var docker = LocalStack.Docker();
        var ours = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{JobLabels.Nickname}={Nickname}"] = true },
            },
        });
        foreach (var container in ours)
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        var tables = new TableServiceClient(LocalStack.Storage);
        foreach (var table in new[] { "images", "runsbybase", "builds" })
            await tables.DeleteTableAsync(_tablePrefix + table);
    }

    /// <summary>
    /// Pushes a new version of the base under its tag (the same busybox, and /etc/base-release saying
    /// <paramref name="release"/>), which makes the nickname's current version stale; returns its digest.
    /// </summary>
    public async Task<string> PushBaseAsync(string release, CancellationToken cancellationToken)
    {
        var busybox = await File.ReadAllBytesAsync("/bin/busybox", cancellationToken);
        LayerEntry[] entries =
        [
            .. BaseEntries(busybox),
            LayerEntry.File("etc/base-release", LayerEntry.DefaultFileMode, Encoding.UTF8.GetBytes(release + "\n")),
        ];
        var pushed = await Services.GetRequiredService<ScratchImage>().PushAsync(BaseTag, entries, new ScratchImageConfig { Cmd = ["sh"] }, cancellationToken);
        return pushed.Digest;
    }

    private static LayerEntry[] BaseEntries(byte[] busybox) =>
    [
        LayerEntry.File("bin/busybox", (UnixFileMode)0b111_101_101, busybox),
        LayerEntry.SymbolicLink("bin/sh", "busybox"),
        LayerEntry.SymbolicLink("bin/true", "busybox"),
        LayerEntry.SymbolicLink("bin/echo", "busybox"),
    ];

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var busybox = await File.ReadAllBytesAsync("/bin/busybox", cancellationToken);
        await Services.GetRequiredService<ScratchImage>().PushAsync(BaseTag, BaseEntries(busybox), new ScratchImageConfig { Cmd = ["sh"] }, cancellationToken);

        var registration = new Registrations.Registration
        {
            Base = BaseTag.ToString(),
            Files = [new FileSpec { Path = "/etc/greeting", Content = Encoding.UTF8.GetString("hello\n"u8) }],
            Env = new Dictionary<string, string> { ["GREETING"] = "hello" },
        };
        var stored = await Services.GetRequiredService<ImageStore>().SaveAsync(Nickname, registration, null, cancellationToken);
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(RegisterImageOrchestrator), new RegisterImageInput(Nickname, stored.Revision), cancellationToken);
        var done = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cancellationToken);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            throw new InvalidOperationException($"Registering {Nickname} failed: {done.FailureDetails?.ErrorMessage}");
    }

    /// <summary>Waits up to 5 minutes for run <paramref name="id"/> to complete and returns its output; anything else throws with why.</summary>
    public async Task<RunOutput> CompletedRunAsync(string id, CancellationToken cancellationToken)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromMinutes(5));
        OrchestrationMetadata done;
        try
        {
            done = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, patience.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            var status = await Client.GetInstanceAsync(id, getInputsAndOutputs: true, CancellationToken.None);
            throw new TimeoutException($"Run {id} did not complete within 5 minutes: {status?.RuntimeStatus}, custom status {status?.SerializedCustomStatus}", e);
        }
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            throw new InvalidOperationException($"Run {id} ended {done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        return done.ReadOutputAs<RunOutput>() ?? throw new InvalidOperationException($"Run {id} has no output.");
    }
}
