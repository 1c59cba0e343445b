using DurableTask.Core;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Local.Durable;

/// <summary>Deletes a stopped host's task hub (queues, tables, blobs): for tests and benchmarks that make their own.</summary>
public static class TaskHubCleanup
{
    public static async Task DeleteAsync(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        IOrchestrationService service = services.GetRequiredService<IOrchestrationService>();
        try
        {
            // The provider's partition manager can outlive the host's stop: stop it before its tables go.
            await service.StopAsync(isForced: true);
        }
        catch (ObjectDisposedException)
        {
            // The host's stop got there first and disposed the app lease manager: stopped is what we want.
        }

        await service.DeleteAsync();
    }
}
