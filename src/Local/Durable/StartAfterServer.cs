using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ManagedImages.Local.Durable;

/// <summary>
/// Starts a hosted service only once the host has started, that is once Kestrel listens. The Durable Task worker
/// connects to the sidecar in this same process: started earlier, its first attempt is refused and the gRPC channel
/// it shares with the client backs off for seconds.
/// </summary>
internal sealed class StartAfterServer(IHostedService inner, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = inner.StartAsync(lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);

    /// <summary>Wraps the hosted services that <paramref name="register"/> adds so they start after the server.</summary>
    public static void Wrap(IServiceCollection services, Action<IServiceCollection> register)
    {
        HashSet<ServiceDescriptor> before = [.. services.Where(d => d.ServiceType == typeof(IHostedService))];
        register(services);
        List<ServiceDescriptor> added = [.. services.Where(d => d.ServiceType == typeof(IHostedService) && !before.Contains(d))];
        foreach (ServiceDescriptor descriptor in added)
        {
            services.Remove(descriptor);
            services.AddSingleton<IHostedService>(sp => new StartAfterServer(
                Resolve(sp, descriptor), sp.GetRequiredService<IHostApplicationLifetime>()));
        }
    }

    private static IHostedService Resolve(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IHostedService)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
