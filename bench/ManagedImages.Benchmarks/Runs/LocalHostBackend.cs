using DurableTask.Core;
using ManagedImages.Local.Durable;
using ManagedImages.Local.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Benchmarks.Runs;

/// <summary>
/// The one-machine host itself (<see cref="LocalHost.Build"/>: the Azure Storage provider on Azurite behind the
/// in-process gRPC sidecar, the worker and client over h2c, the HTTP API), on a task hub of its own and free ports.
/// Disposing it stops the host and deletes the task hub's queues, tables and blobs.
/// </summary>
internal sealed class LocalHostBackend(WebApplication app, string taskHub) : IDurableBackend
{
    public string Name => "Azure Storage on Azurite via the sidecar (src/Local)";

    public string Details
    {
        get
        {
            var service = app.Services.GetRequiredService<IOrchestrationService>();
            return $"task hub {taskHub}, {service.MaxConcurrentTaskOrchestrationWorkItems} orchestration and " +
                $"{service.MaxConcurrentTaskActivityWorkItems} activity work items at once";
        }
    }

    public int ActivityConcurrency => app.Services.GetRequiredService<IOrchestrationService>().MaxConcurrentTaskActivityWorkItems;

    public DurableTaskClient Client => app.Services.GetRequiredService<DurableTaskClient>();

    public IServiceProvider Services => app.Services;

    public static async Task<LocalHostBackend> StartAsync(IReadOnlyDictionary<string, string?> settings, string taskHub, CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string?>(settings)
        {
            ["Durable:Backend"] = nameof(DurableBackendKind.AzureStorage),
            ["Durable:TaskHub"] = taskHub,
            ["Durable:SidecarPort"] = "0",
            // The API is mapped as in the real host but not used; it only needs a port nobody else has.
            ["Http:Url"] = $"http://127.0.0.1:{SidecarEndpoint.FreePort()}/",
        };
        var app = LocalHost.Build([], overrides);
        var backend = new LocalHostBackend(app, taskHub);
        try
        {
            await app.StartAsync(cancellationToken);
            return backend;
        }
        catch
        {
            await backend.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await app.StopAsync();
        }
        finally
        {
            await TaskHubCleanup.DeleteAsync(app.Services);
            await app.DisposeAsync();
        }
    }
}
