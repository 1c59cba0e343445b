using System.Collections.Concurrent;
using ManagedImages.Bases;
using ManagedImages.Builds;
using ManagedImages.Oci;
using ManagedImages.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Upgrades;

/// <summary>
/// Warms the images people use when their base tag moves: for a push of a base tag, every image run on that tag within
/// <see cref="BasePushOptions.RecentWindow"/> gets the build of its next version on the pushed digest started in the
/// background (no run waits for it; <see cref="BackgroundUpgrades"/> bounds how many build at once). Every other image
/// stays lazy. Repeated deliveries start nothing new (one build per nickname, revision and base digest, and an
/// existing record of it is left as it is); an event whose digest the tag no longer points to is ignored, and so is a
/// push of a tag whose latest digest is overridden in configuration. A checked push updates <see cref="LatestBaseDigests"/>
/// at once, so runs after the event build on the pushed digest even while an older reading is cached.
/// </summary>
public sealed partial class BasePushHandler(
    ImageStore images,
    BuildStore builds,
    LatestBaseDigests latestBases,
    BackgroundUpgrades upgrades,
    IOptions<BasePushOptions> options,
    TimeProvider time,
    ILogger<BasePushHandler> logger)
{
    public async Task<BasePushResult> HandleAsync(BasePush push, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(push);
        if (string.IsNullOrEmpty(push.Tag)) return Ignored(null, push.Digest, $"the push to {push.Repository} names no tag, so no base tag moved");
        if (!Digest.TryParse(push.Digest, out var pushed))
            return Ignored(null, push.Digest, $"the push of {push.Repository}:{push.Tag} names no digest");
        if (!ImageReference.TryParse($"{push.Registry}/{push.Repository}:{push.Tag}", out var reference, out var error))
            return Ignored(null, pushed.ToString(), $"{push.Registry}/{push.Repository}:{push.Tag} is not an image reference: {error}");
        var baseTag = BaseTagName.Of(reference.Registry, reference.Repository, reference.TagOrDefault);

        // Runs build on a configured override whatever the tag says: a push of the tag changes nothing they use.
        if (latestBases.OverrideOf(reference) is { } overridden)
            return Ignored(baseTag, pushed.ToString(), $"the latest digest of {reference} is set to {overridden} by BaseImages:Overrides, so the push changes nothing");

        // Events may come late, twice or out of order: only the digest the tag points to now is worth building on.
        var current = await latestBases.ReadRegistryAsync(reference, cancellationToken);
        if (current is null) return Ignored(baseTag, pushed.ToString(), $"{reference} is no longer in its registry");
        // What the registry said just now is the freshest reading there is: runs from now on see it, cache or not.
        latestBases.Remember(reference, current.Value);
        if (current.ToString() != pushed.ToString())
            return Ignored(baseTag, pushed.ToString(), $"{reference} points to {current} now, not {pushed}: the event is older than the tag's latest push");

        var window = options.Value.RecentWindow;
        var recent = await images.FindRunSinceAsync(baseTag, time.GetUtcNow() - window, cancellationToken);
        var started = new ConcurrentBag<(BuildRequest Request, string BaseReference)>();
        await Parallel.ForEachAsync(
            recent,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.ConcurrentStarts, CancellationToken = cancellationToken },
            async (nickname, ct) =>
            {
                if (await StartUpgradeAsync(nickname, baseTag, pushed.ToString(), ct) is { } upgrade) started.Add(upgrade);
            });

        // Queued once every upgrade is recorded, so the builds do not compete with the event for the store and the CPU.
        // Each is recorded as Building already: lost from the queue, the next run of its image builds it.
        foreach (var (request, baseReference) in started) _ = upgrades.Enqueue(request, baseReference);

        var names = started.Select(u => u.Request.Nickname).Order(StringComparer.Ordinal).ToList();
        var detail = $"{recent.Count} image(s) run on {baseTag} within {window}; {names.Count} upgrade(s) to {pushed} started";
        LogHandled(baseTag, pushed.ToString(), recent.Count, names.Count);
        return new BasePushResult(BasePushOutcome.Handled, baseTag, pushed.ToString(), recent.Count, names, detail);
    }

    private async Task<(BuildRequest Request, string BaseReference)?> StartUpgradeAsync(string nickname, string baseTag, string digest, CancellationToken cancellationToken)
    {
        var stored = await images.GetAsync(nickname, cancellationToken);
        // Gone, changed to another base since its last run, without a good version (its own build is the user's
        // business), or pinned (runs do not upgrade it until it is unpinned).
        if (stored is null || stored.State != RegistrationState.Ready || stored.PinnedVersion is not null
            || BaseTagName.Of(stored.Registration.Base) != baseTag)
        {
            return null;
        }

        if (stored.CurrentVersion is { } number)
        {
            // One row, not the partition's versions: a push may start many of these at once.
            if (await images.GetVersionAsync(nickname, number, cancellationToken) is { } current && current.BaseDigest == digest && current.Revision == stored.Revision)
                return null;
        }

        var key = new BuildKey(nickname, stored.Revision, digest);
        // An attempt of this build exists (a run started it, or an earlier delivery of this event): leave it, even failed;
        // the next run retries a failed one.
        var outcome = await builds.StartIfAbsentAsync(key, cancellationToken);
        if (!outcome.Started) return null;
        return (new BuildRequest(nickname, outcome.Record.Version, stored.Revision, stored.Registration, digest), stored.Registration.Base);
    }

    private BasePushResult Ignored(string? baseTag, string? digest, string detail)
    {
        LogIgnored(detail);
        return new BasePushResult(BasePushOutcome.Ignored, baseTag, digest, 0, [], detail);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Base push ignored: {Detail}")]
    private partial void LogIgnored(string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Base push of {BaseTag} at {Digest}: {Recent} image(s) run recently, {Started} upgrade(s) started")]
    private partial void LogHandled(string baseTag, string digest, int recent, int started);
}
