namespace ManagedImages.Builds;

/// <summary>Delivers a build's completion to one waiting orchestration instance.</summary>
public interface IBuildCompletionNotifier
{
    Task NotifyAsync(string instanceId, BuildCompleted completed, CancellationToken cancellationToken);
}
