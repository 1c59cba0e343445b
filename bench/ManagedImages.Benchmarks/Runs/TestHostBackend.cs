using System.Net;
using System.Net.Sockets;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Benchmarks.Runs;

/// <summary>The in-memory DurableTaskTestHost with the Managed Images tasks and services.</summary>
internal sealed class TestHostBackend(DurableTaskTestHost host) : IDurableBackend
{
    public string Name => "in-memory DurableTaskTestHost";

    public string Details => $"sidecar over memory, {ActivityConcurrency} work items of each kind at once";

    // InMemoryOrchestrationService allows ProcessorCount work items of each kind.
    public int ActivityConcurrency => Environment.ProcessorCount;

    public DurableTaskClient Client => host.Client;

    public IServiceProvider Services => host.Services;

    public static async Task<TestHostBackend> StartAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        // The test host's web hosts read logging levels from the environment; their Information lines would drown the tables.
        if (Environment.GetEnvironmentVariable("Logging__LogLevel__Default") is null)
            Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        var host = await DurableTaskTestHost.StartAsync(
            tasks => tasks.AddManagedImagesTasks(),
            new DurableTaskTestHostOptions
            {
                Port = FreeLoopbackPort(),
                // The sidecar logs every gRPC call at Information.
                LoggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Warning)),
                ConfigureServices = services => services.AddManagedImages(configuration),
            },
            cancellationToken);
        return new TestHostBackend(host);
    }

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
