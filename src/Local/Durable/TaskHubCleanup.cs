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
        catch (Exception e) when (e is ObjectDisposedException or NullReferenceException)
        {
            // The host's stop got there first: it disposed the app lease manager, or (seen once in a test teardown) left
            // the provider's lease manager half torn down so that a second stop trips over a cleared field. Stopped is
            // what we want either way; the delete below is what matters.
        }

        await service.DeleteAsync();
    }
}
