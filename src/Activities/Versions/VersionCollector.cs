using System.Collections.Concurrent;
using ManagedImages.Builds;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Versions;

/// <summary>
/// Garbage collection of a nickname's old versions: keeps the newest <see cref="VersionCollectionOptions.Keep"/>, the
/// current and the pinned one, and every version a run in progress holds a lease on; deletes the others' manifests
/// from the registry, then their build recordings and records, and records each collection in the version history.
/// <para>
/// Safe to run twice or at once (another process, a retry): a manifest already gone is fine, a record already gone is
/// skipped. Safe to fail half-way: a record is removed only after its manifest is gone, so a failed delete leaves the
/// record for the next collection. A manifest another remaining version shares (an identical rebuild) is not deleted.
/// Races with runs and pins are settled by the mark protocol described in ImageStore.Collection.
/// </para>
/// </summary>
public sealed class VersionCollector(
    ImageStore images,
    BuildRecordingStore recordings,
    RegistryClient registry,
    IOptions<VersionCollectionOptions> options,
    TimeProvider time,
    ILogger<VersionCollector> logger)
{
    public const string Newest = "newest";
    public const string Current = "current";
    public const string Pinned = "pinned";

    // One collection per nickname at a time in this process; others (hosts, retries) are harmless, only wasteful.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> running = new(StringComparer.Ordinal);

    /// <summary>Collects the old versions of <paramref name="nickname"/>; null when no such image is registered.</summary>
    public async Task<VersionCollectionResult?> CollectAsync(string nickname, CancellationToken cancellationToken)
    {
        var gate = running.GetOrAdd(nickname, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await CollectCoreAsync(nickname, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<VersionCollectionResult?> CollectCoreAsync(string nickname, CancellationToken cancellationToken)
    {
        var keep = options.Value.Keep;
        var stored = await images.GetAsync(nickname, cancellationToken);
        if (stored is null) return null;
        var versions = await images.GetVersionsAsync(nickname, cancellationToken);
        var leases = await images.GetLeasesAsync(nickname, time.GetUtcNow(), cancellationToken);

        var reasons = versions.ToDictionary(v => v.Number, _ => new List<string>());
        foreach (var version in versions.Take(keep)) reasons[version.Number].Add(Newest);
        AddReasons(reasons, stored, leases);

        // A mark left on a version that stays (a collection that stopped half-way) would keep runs and pins off it.
        var marked = await images.GetCollectingAsync(nickname, cancellationToken);
        foreach (var number in marked.Where(n => reasons.TryGetValue(n, out var why) && why.Count > 0))
            await images.ClearCollectingAsync(nickname, number, cancellationToken);

        var deleted = new List<CollectedVersion>();
        var failed = new List<UncollectedVersion>();
        // Oldest first: if the collection stops, what is left is still the newest.
        foreach (var candidate in versions.Where(v => reasons[v.Number].Count == 0).OrderBy(v => v.Number))
        {
            if (!await images.MarkCollectingAsync(nickname, candidate.Number, cancellationToken)) continue;

            // Marked: from now on a run or a pin either shows up in these reads or sees the mark and stays away.
            var now = await images.GetAsync(nickname, cancellationToken);
            if (now is null) break;
            AddReasons(reasons, now, await images.GetLeasesAsync(nickname, time.GetUtcNow(), cancellationToken));
            if (reasons[candidate.Number].Count > 0)
            {
                await images.ClearCollectingAsync(nickname, candidate.Number, cancellationToken);
                continue;
            }

            bool manifestDeleted;
            try
            {
                manifestDeleted = await DeleteManifestUnlessSharedAsync(nickname, candidate, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not delete the manifest of v{Version} of {Nickname}; its record stays", candidate.Number, nickname);
                failed.Add(new UncollectedVersion(candidate.Number, e.Message));
                await images.ClearCollectingAsync(nickname, candidate.Number, cancellationToken);
                continue;
            }

            await recordings.DeleteAsync(nickname, candidate.Number, cancellationToken);
            if (await images.RemoveCollectedVersionAsync(nickname, candidate.Number, cancellationToken))
                deleted.Add(new CollectedVersion(candidate.Number, candidate.Digest, manifestDeleted));
        }

        var kept = versions
            .Where(v => reasons[v.Number].Count > 0)
            .Select(v => new KeptVersion(v.Number, reasons[v.Number].Distinct().ToList()))
            .ToList();
        if (deleted.Count > 0)
            logger.LogInformation("Collected {Count} old versions of {Nickname}: {Versions}", deleted.Count, nickname, string.Join(", ", deleted.Select(d => "v" + d.Version)));
        return new VersionCollectionResult(nickname, keep, deleted, kept, failed);
    }

    /// <summary>
    /// Deletes the version's manifest by digest unless another version still recorded has the same digest. Read after
    /// the mark, so a version recorded meanwhile is seen; one recorded between this read and the delete (an identical
    /// rebuild finishing at that moment) gets its manifest put back from the bytes read before.
    /// </summary>
    private async Task<bool> DeleteManifestUnlessSharedAsync(string nickname, ImageVersion candidate, CancellationToken cancellationToken)
    {
        var others = await images.GetVersionsAsync(nickname, cancellationToken);
        if (others.Any(v => v.Number != candidate.Number && v.Digest == candidate.Digest)) return false;

        var byDigest = ImageReference.Parse(candidate.Image).WithDigest(Digest.Parse(candidate.Digest));
        var content = await registry.GetManifestAsync(byDigest, cancellationToken);
        await registry.DeleteManifestAsync(byDigest, cancellationToken);

        if (content is null) return true;
        foreach (var sharing in (await images.GetVersionsAsync(nickname, cancellationToken))
                     .Where(v => v.Number != candidate.Number && v.Digest == candidate.Digest))
        {
            logger.LogWarning("v{Version} of {Nickname} was recorded with the digest just collected; putting its manifest back", sharing.Number, nickname);
            await registry.PutManifestAsync(ImageReference.Parse(sharing.Image), content.MediaType, content.Bytes, cancellationToken);
        }
        return true;
    }

    private static void AddReasons(Dictionary<int, List<string>> reasons, StoredRegistration stored, IReadOnlyList<VersionLease> leases)
    {
        if (stored.CurrentVersion is { } current && reasons.TryGetValue(current, out var forCurrent)) forCurrent.Add(Current);
        if (stored.PinnedVersion is { } pinned && reasons.TryGetValue(pinned, out var forPinned)) forPinned.Add(Pinned);
        foreach (var lease in leases)
            if (reasons.TryGetValue(lease.Version, out var forLease)) forLease.Add($"in use by run {lease.RunId}");
    }
}
