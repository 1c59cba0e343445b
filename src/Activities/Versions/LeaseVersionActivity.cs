using ManagedImages.Durable;
using ManagedImages.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace ManagedImages.Versions;

/// <summary>
/// Before a run launches its job: leases the version so that garbage collection keeps it while the run is in progress.
/// Idempotent (the lease is keyed by run id). A version being collected at that moment is retried (the collector sees
/// the lease and keeps it); a version already collected fails the run, which can simply be asked again.
/// </summary>
public sealed class LeaseVersionActivity(ImageStore images, IOptions<VersionCollectionOptions> options) : TaskActivity<LeaseVersionInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, LeaseVersionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var use = await images.LeaseVersionAsync(input.Nickname, input.Version, input.RunId, options.Value.LeaseDuration, CancellationToken.None);
        switch (use)
        {
            case VersionUse.Usable:
                return true;
            case VersionUse.Collecting:
                // Retried by the caller's policy: by then the collector has read this lease and cleared its mark.
                throw new InvalidOperationException($"v{input.Version} of '{input.Nickname}' is being garbage-collected; its lease keeps it, trying again");
            default:
                await images.ReleaseVersionAsync(input.Nickname, input.RunId, CancellationToken.None);
                throw new PermanentFailureException(
                    $"v{input.Version} of '{input.Nickname}' was garbage-collected before the job started (it was no longer current, pinned or among the newest); run again");
        }
    }
}
