using ManagedImages.Storage;
using ManagedImages.Versions;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Builds;

/// <summary>
/// Ends a build attempt: records the new version (on success), writes the final status to the build record and tells
/// every waiting orchestration through <see cref="IBuildCompletionNotifier"/>. Safe to run twice for the same attempt
/// (a restarted build may finish twice): only the first finish writes and notifies.
/// </summary>
public sealed class BuildCompletion(
    BuildStore builds,
    ImageStore images,
    IBuildCompletionNotifier notifier,
    BackgroundCollections collections,
    TimeProvider time,
    ILogger<BuildCompletion> logger)
{
    /// <summary>The attempt built <paramref name="built"/>: record the version (it becomes current), then finish.</summary>
    public async Task SucceededAsync(
        BuildKey key, int version, string baseReference, BuiltImage built, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(built);
        var record = await builds.GetAsync(key, cancellationToken);
        if (record is null || record.Version != version || record.Status != BuildStatus.Building)
        {
            // Given up (timed out) or replaced by a newer attempt: its waiters were told already; add nothing.
            logger.LogWarning("Build of v{Version} for {Key} finished after it was given up; its image {Image} is not recorded", version, key, built.Image);
            return;
        }

        try
        {
            await images.AddVersionAsync(
                new ImageVersion(key.Nickname, version, built.Image, built.Digest, baseReference, key.BaseDigest, key.Revision, time.GetUtcNow()),
                cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or ConcurrencyConflictException)
        {
            await FailedAsync(key, version, $"v{version} was built ({built.Image}) but could not be recorded: {e.Message}", cancellationToken);
            return;
        }

        var finished = await builds.FinishAsync(
            key, version, r => r with { Status = BuildStatus.Succeeded, Image = built.Image, Digest = built.Digest, Error = null },
            cancellationToken);
        if (finished is not null)
        {
            await NotifyAsync(finished, cancellationToken);
            // In the background: a new version may have made an old one collectable (Versions:Keep).
            _ = collections.Request(key.Nickname);
        }
    }

    /// <summary>The attempt failed (or was given up): record why and tell the waiters. Returns the record as it now stands.</summary>
    public async Task<BuildRecord?> FailedAsync(BuildKey key, int version, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var finished = await builds.FinishAsync(
            key, version, r => r with { Status = BuildStatus.Failed, Error = error, Image = null, Digest = null },
            cancellationToken);
        if (finished is null)
        {
            return await builds.GetAsync(key, cancellationToken);
        }
        await NotifyAsync(finished, cancellationToken);
        return finished;
    }

    private async Task NotifyAsync(BuildRecord finished, CancellationToken cancellationToken)
    {
        var completed = new BuildCompleted(
            finished.Status == BuildStatus.Succeeded, finished.Version, finished.Image, finished.Digest, finished.Key.BaseDigest, finished.Error);
        await Task.WhenAll(finished.Waiters.Select(async waiter =>
        {
            try
            {
                await notifier.NotifyAsync(waiter, completed, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A waiter that is gone (finished, purged, terminated) must not stop the others from hearing of it;
                // a waiter that missed the event still sees the final status at its next check.
                logger.LogWarning(e, "Could not tell {Instance} that v{Version} of {Key} finished", waiter, finished.Version, finished.Key);
            }
        }));
    }
}
