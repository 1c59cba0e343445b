using ManagedImages.Builds;

namespace ManagedImages.Functions.Durable;

/// <summary>Raises a build's completion through the Durable client an activity of this worker bound (see <see cref="BoundDurableClient"/>).</summary>
public sealed class BoundClientBuildNotifier(BoundDurableClient bound) : IBuildCompletionNotifier
{
    public Task NotifyAsync(string instanceId, BuildCompleted completed, CancellationToken cancellationToken) =>
        bound.Current.RaiseEventAsync(instanceId, BuildCompleted.EventName, completed, cancellationToken);
}
