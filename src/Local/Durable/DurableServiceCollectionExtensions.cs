using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Local.Durable;

/// <summary>
/// The durable backend of the one-machine host: an orchestration service (Azure Storage on Azurite, or memory for tests),
/// the in-process gRPC sidecar serving it, and the Durable Task SDK worker and client connected to that sidecar.
/// </summary>
public static class DurableServiceCollectionExtensions
{
    /// <summary>Registers the backend, the sidecar, the worker running <paramref name="registerTasks"/> and a <see cref="DurableTaskClient"/>.</summary>
    public static SidecarEndpoint AddLocalDurable(
        this IServiceCollection services, IConfiguration configuration, Action<DurableTaskRegistry> registerTasks)
    {
        DurableOptions options = new();
        configuration.GetSection(DurableOptions.Section).Bind(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        }

        SidecarEndpoint endpoint = SidecarEndpoint.For(options);
        services.AddSingleton(options);
        services.AddSingleton(endpoint);

        if (options.Backend == DurableBackendKind.Memory)
        {
            services.AddSingleton(sp => new InMemoryOrchestrationService(sp.GetRequiredService<ILoggerFactory>()));
            services.AddSingleton<IOrchestrationService>(sp => sp.GetRequiredService<InMemoryOrchestrationService>());
            services.AddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<InMemoryOrchestrationService>());
        }
        else
        {
            string connectionString = StorageConnectionString(configuration);
            services.AddSingleton(sp => new ActivityLockRenewingService(
                AzureStorageBackend.Create(options, connectionString, sp.GetRequiredService<ILoggerFactory>()),
                options.WorkItemQueueVisibilityTimeout / 3,
                sp.GetRequiredService<ILogger<ActivityLockRenewingService>>()));
            services.AddSingleton<IOrchestrationService>(sp => sp.GetRequiredService<ActivityLockRenewingService>());
            services.AddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<ActivityLockRenewingService>());
        }

        services.AddHostedService<TaskHubCreator>();
        services.AddGrpc();
        services.AddSingleton<TaskHubGrpcServer>();

        // One channel for the worker and the client; h2c on loopback.
        services.AddSingleton(_ => GrpcChannel.ForAddress(endpoint.Address, new GrpcChannelOptions
        {
            // A restarting sidecar should be found again within a second, not after the default backoff of up to 2 minutes.
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(200),
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),
        }));
        StartAfterServer.Wrap(services, s => s.AddDurableTaskWorker(builder =>
        {
            builder.AddTasks(registerTasks);
            builder.UseGrpc();
        }));
        services.AddOptions<Microsoft.DurableTask.Worker.Grpc.GrpcDurableTaskWorkerOptions>()
            .Configure<GrpcChannel>((worker, channel) => worker.Channel = channel);
        services.AddDurableTaskClient(builder =>
        {
            builder.UseGrpc();
            builder.RegisterDirectly();
        });
        services.AddOptions<Microsoft.DurableTask.Client.Grpc.GrpcDurableTaskClientOptions>()
            .Configure<GrpcChannel>((client, channel) => client.Channel = channel);
        return endpoint;
    }

    /// <summary>Serves the sidecar's gRPC service, only on its own port.</summary>
    public static IEndpointRouteBuilder MapLocalDurableSidecar(this IEndpointRouteBuilder endpoints)
    {
        SidecarEndpoint sidecar = endpoints.ServiceProvider.GetRequiredService<SidecarEndpoint>();
        endpoints.MapGrpcService<TaskHubGrpcServer>().RequireHost($"*:{sidecar.Port}");
        return endpoints;
    }

    private static string StorageConnectionString(IConfiguration configuration)
    {
        string? value = configuration["Storage:ConnectionString"];
        if (string.IsNullOrWhiteSpace(value))
        {
            value = Environment.GetEnvironmentVariable("MANAGEDIMAGES_STORAGE");
        }

        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException(
                "No storage for the durable backend: set Storage:ConnectionString or MANAGEDIMAGES_STORAGE " +
                "(start the local stack with scripts/stack up, then eval \"$(scripts/stack env)\").")
            : value;
    }
}
