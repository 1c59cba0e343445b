using DurableTask.Core;
using Microsoft.Extensions.Hosting;

namespace ManagedImages.Local.Durable;

/// <summary>Creates the task hub's queues and tables (if missing) before the first run can be scheduled.</summary>
internal sealed class TaskHubCreator(IOrchestrationService service) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => service.CreateIfNotExistsAsync().WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
