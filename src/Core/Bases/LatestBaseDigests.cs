using System.Collections.Concurrent;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.Storage;
using Microsoft.Extensions.Options;

namespace ManagedImages.Bases;

/// <summary>
/// The one place that says which digest is a base tag's most recent: the override configured for the tag if any
/// (<see cref="BaseImageOptions.Overrides"/>), else the digest the tag points to in its registry (HEAD), reused for
/// <see cref="BaseImageOptions.CacheDuration"/>. A verified base push replaces the reading at once (<see cref="Remember"/>).
/// Runs, registrations, plans and base pushes all ask here. One instance per process (the cache).
/// </summary>
public sealed class LatestBaseDigests
{
    private readonly RegistryClient registry;
    private readonly BaseImageOptions options;
    private readonly TimeProvider time;
    private readonly Dictionary<string, Digest> overrides;
    private readonly ConcurrentDictionary<string, Reading> readings = new(StringComparer.Ordinal);

    public LatestBaseDigests(RegistryClient registry, IOptions<BaseImageOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.registry = registry;
        this.options = options.Value;
        this.time = time;
        // The validator has refused malformed entries at startup; an entry it did not see is skipped, never half-used.
        overrides = new(StringComparer.Ordinal);
        foreach (var entry in this.options.Overrides)
        {
            if (BaseTagName.Of(entry.Reference) is { } tag && Digest.TryParse(entry.Digest, out var digest)) overrides.TryAdd(tag, digest);
        }
    }

    /// <summary>
    /// The digest that is "most recent" for <paramref name="reference"/>, or null when its registry does not hold it.
    /// A reference pinned by digest is checked in the registry and never cached.
    /// </summary>
    public async Task<Digest?> GetAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var tag = TagOf(reference);
        if (tag is null) return await registry.ResolveDigestAsync(reference, cancellationToken);
        if (overrides.TryGetValue(tag, out var overridden)) return overridden;

        var duration = options.CacheDuration;
        if (duration <= TimeSpan.Zero) return await registry.ResolveDigestAsync(reference, cancellationToken);

        var asked = time.GetUtcNow();
        if (readings.TryGetValue(tag, out var cached) && asked < cached.At + duration) return cached.Digest;
        var digest = await registry.ResolveDigestAsync(reference, cancellationToken);
        if (digest is { } found) Store(tag, new Reading(found, asked));
        else readings.TryRemove(tag, out _);
        return digest;
    }

    /// <summary>The override configured for <paramref name="reference"/>'s tag, if any.</summary>
    public Digest? OverrideOf(ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return TagOf(reference) is { } tag && overrides.TryGetValue(tag, out var digest) ? digest : null;
    }

    /// <summary>What the tag points to in its registry now, past any cache or override (a base push checks its event against it).</summary>
    public Task<Digest?> ReadRegistryAsync(ImageReference reference, CancellationToken cancellationToken) =>
        registry.ResolveDigestAsync(reference, cancellationToken);

    /// <summary>
    /// Records that <paramref name="reference"/>'s tag points to <paramref name="digest"/> as of now (a base push checked
    /// against the registry): cached readings give way at once, so the next run sees the new digest.
    /// </summary>
    public void Remember(ImageReference reference, Digest digest)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (options.CacheDuration <= TimeSpan.Zero || TagOf(reference) is not { } tag) return;
        Store(tag, new Reading(digest, time.GetUtcNow()));
    }

    // A reading started before a newer one was stored (a HEAD that raced a push) must not put the older digest back.
    private void Store(string tag, Reading reading) =>
        readings.AddOrUpdate(tag, reading, (_, existing) => existing.At > reading.At ? existing : reading);

    private static string? TagOf(ImageReference reference) =>
        reference.Digest is null ? BaseTagName.Of(reference.Registry, reference.Repository, reference.TagOrDefault) : null;

    private sealed record Reading(Digest Digest, DateTimeOffset At);
}
