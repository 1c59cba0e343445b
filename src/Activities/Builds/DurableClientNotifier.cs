using Microsoft.DurableTask.Client;

namespace ManagedImages.Builds;

/// <summary>Raises <see cref="BuildCompleted"/> as an external event through the host's durable client.</summary>
public sealed class DurableClientNotifier(DurableTaskClient client) : IBuildCompletionNotifier
{
    public Task NotifyAsync(string instanceId, BuildCompleted completed, CancellationToken cancellationToken) =>
        client.RaiseEventAsync(instanceId, BuildCompleted.EventName, completed, cancellationToken);
}
