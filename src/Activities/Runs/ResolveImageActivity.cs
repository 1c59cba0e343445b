using ManagedImages.Bases;
using ManagedImages.Builds;
using ManagedImages.Durable;
using ManagedImages.Oci;
using ManagedImages.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace ManagedImages.Runs;

/// <summary>
/// Looks up a nickname's registration, current and pinned versions, and its base's latest digest (<see cref="LatestBaseDigests"/>:
/// the tag's digest now, or the configured override).
/// </summary>
public sealed class ResolveImageActivity(ImageStore images, LatestBaseDigests latestBases, IOptions<BuildOptions> options)
    : TaskActivity<string, ResolvedImage>
{
    public override async Task<ResolvedImage> RunAsync(TaskActivityContext context, string nickname)
    {
        StoredRegistration? stored;
        try
        {
            stored = await images.GetAsync(nickname, CancellationToken.None);
        }
        catch (ArgumentException)
        {
            stored = null; // not a nickname at all, so certainly not a registered one
        }
        if (stored is null)
        {
            throw new PermanentFailureException($"no image is registered as '{nickname}'");
        }

        if (!ImageReference.TryParse(stored.Registration.Base, out var baseReference, out var error))
        {
            throw new PermanentFailureException($"the base of '{nickname}' is not usable: {error}");
        }

        var digest = await latestBases.GetAsync(baseReference, CancellationToken.None)
            ?? throw new PermanentFailureException(
                $"the base image {baseReference} of '{nickname}' was not found in its registry; push it again or register '{nickname}' on another base");

        ImageVersion? current = null, pinned = null;
        if (stored.CurrentVersion is not null || stored.PinnedVersion is not null)
        {
            var versions = await images.GetVersionsAsync(nickname, CancellationToken.None);
            current = versions.FirstOrDefault(v => v.Number == stored.CurrentVersion);
            if (stored.PinnedVersion is { } pin)
            {
                pinned = versions.FirstOrDefault(v => v.Number == pin)
                    ?? throw new PermanentFailureException(
                        $"'{nickname}' is pinned to v{pin}, which no longer exists; unpin it (DELETE /api/images/{nickname}/pin) or pin another version");
            }
        }

        var builds = options.Value;
        return new ResolvedImage(
            nickname, stored.Revision, stored.State, stored.Registration.Base, digest.ToString(), current, builds.Timeout, builds.CheckInterval)
        {
            Pinned = pinned,
        };
    }
}
