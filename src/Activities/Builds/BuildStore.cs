using ManagedImages.Builds;
using ManagedImages.Registry;
using Azure;
using Azure.Data.Tables;
using ManagedImages.Storage;
using Microsoft.Extensions.Options;

namespace ManagedImages.Builds;

/// <summary>
/// Build records in Table Storage (table <c>{TablePrefix}builds</c>, same account as <see cref="ImageStore"/>): one row
/// per <see cref="BuildKey"/> holding its latest attempt and who waits for it, and a per-nickname counter that hands out
/// version numbers. Every change is ETag-guarded and retried on conflict, which is what makes builds single-flight.
/// </summary>
public sealed class BuildStore
{
    // Many runs may join one build at once; each join is one guarded write, so conflicts are expected and short.
    private const int MaxAttempts = 100;

    private readonly TableClient table;
    private readonly ImageStore images;
    private readonly RegistryClient registry;
    private readonly CustomImageOptions customImages;
    private readonly TimeProvider time;

    public BuildStore(
        IOptions<StorageOptions> options, ImageStore images, RegistryClient registry, IOptions<CustomImageOptions> customImages, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(customImages);
        TableName = options.Value.ResolveTablePrefix() + "builds";
        table = options.Value.CreateTableClient(TableName);
        this.images = images;
        this.registry = registry;
        this.customImages = customImages.Value;
        this.time = time;
    }

    public string TableName { get; }

    public async Task<BuildRecord?> GetAsync(BuildKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var entity = await table.GetEntityIfExistsAsync<BuildEntity>(key.Nickname, key.RowKey, cancellationToken: cancellationToken);
        return entity.HasValue ? entity.Value!.ToRecord() : null;
    }

    /// <summary>
    /// The attempt that makes version <paramref name="version"/> of <paramref name="nickname"/>, whatever its key (a
    /// builder's report names only the version), or null when no record holds that version any more.
    /// </summary>
    public async Task<BuildRecord?> FindByVersionAsync(string nickname, int version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        // Version numbers are handed out once per nickname, so at most one row matches.
        await foreach (var entity in table.QueryAsync<BuildEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {nickname} and Version eq {version}"), cancellationToken: cancellationToken))
        {
            return entity.ToRecord();
        }
        return null;
    }

    /// <summary>
    /// The attempts of <paramref name="nickname"/> still building, oldest first, with the runs and registrations waiting
    /// for each (what the status routes show). A record left Building by a host that died stays here until a run takes it over.
    /// </summary>
    public async Task<IReadOnlyList<BuildRecord>> FindBuildingAsync(string nickname, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var building = new List<BuildRecord>();
        var status = nameof(BuildStatus.Building);
        await foreach (var entity in table.QueryAsync<BuildEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {nickname} and Status eq {status}"), cancellationToken: cancellationToken))
        {
            building.Add(entity.ToRecord());
        }
        return building.OrderBy(b => b.StartedAt).ThenBy(b => b.Version).ToList();
    }

    /// <summary>
    /// Adds <paramref name="waiter"/> to the build of <paramref name="key"/>. The first caller creates the record with a
    /// new version number and gets <see cref="StartedOrJoinedBuild.Started"/>: it must run the build. A record that
    /// succeeded is returned as it is (nothing to wait for). A failed attempt, or a success whose version is no longer
    /// recorded (the registration was deleted and made again), is replaced by a new attempt with a new number.
    /// A null <paramref name="waiter"/> asks for the build without waiting for it (a background upgrade).
    /// </summary>
    public async Task<StartedOrJoinedBuild> StartOrJoinAsync(BuildKey key, string? waiter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (waiter is { Length: 0 }) throw new ArgumentException("A waiter is an orchestration instance id, or null for none.", nameof(waiter));
        await TableCreation.EnsureAsync(table, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(key, cancellationToken);
            try
            {
                if (existing is null)
                {
                    return new(await StartAttemptAsync(key, waiter, replacing: null, cancellationToken), Started: true);
                }

                switch (existing.Status)
                {
                    case BuildStatus.Succeeded when await IsRecordedAsync(existing, cancellationToken):
                        return new(existing, Started: false);
                    case BuildStatus.Succeeded:
                    case BuildStatus.Failed:
                        return new(await StartAttemptAsync(key, waiter, existing, cancellationToken), Started: true);
                    default:
                        if (waiter is null || existing.Waiters.Contains(waiter, StringComparer.Ordinal)) return new(existing, Started: false);
                        var joined = existing with { Waiters = [.. existing.Waiters, waiter] };
                        return new(await ReplaceAsync(joined, existing.ETag, cancellationToken), Started: false);
                }
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Someone else created or changed the record since we read it: read again and decide again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 40)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Starts the build of <paramref name="key"/> with no waiter (a background upgrade) only when it has no record at
    /// all; any record, even of a failed attempt, is returned as it is with <see cref="StartedOrJoinedBuild.Started"/>
    /// false (the next run retries a failed one). It writes without reading first, since the record is usually absent:
    /// the attempt's insert fails when one exists, and only then is it read.
    /// </summary>
    public async Task<StartedOrJoinedBuild> StartIfAbsentAsync(BuildKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await TableCreation.EnsureAsync(table, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new(await StartAttemptAsync(key, waiter: null, replacing: null, cancellationToken), Started: true);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // The record exists, or another start moved the version counter meanwhile: only the latter is tried again.
                if (await GetAsync(key, cancellationToken) is { } existing) return new(existing, Started: false);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 40)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Finishes attempt <paramref name="version"/> of <paramref name="key"/>, only while that attempt is still building.
    /// Returns the record as written, whose waiters are exactly those to notify (anyone joining later sees the final
    /// status), or null when the attempt was already finished or replaced.
    /// </summary>
    public async Task<BuildRecord?> FinishAsync(
        BuildKey key, int version, Func<BuildRecord, BuildRecord> finish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(finish);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(key, cancellationToken);
            if (existing is null || existing.Version != version || existing.Status != BuildStatus.Building) return null;
            var finished = finish(existing) with { CompletedAt = time.GetUtcNow() };
            try
            {
                return await ReplaceAsync(finished, existing.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412 && attempt < MaxAttempts)
            {
                // A waiter joined meanwhile: read again so it is notified too.
            }
        }
    }

    /// <summary>
    /// Writes a new attempt with the next version number, in one transaction with the per-nickname counter: numbers only
    /// go up, a number is never handed out twice (even when its build fails), and a caller that loses the race to create
    /// the attempt burns no number. The counter starts above every version the image store has recorded, and never gives
    /// out a number whose tag the registry already holds.
    /// </summary>
    private async Task<BuildRecord> StartAttemptAsync(
        BuildKey key, string? waiter, BuildRecord? replacing, CancellationToken cancellationToken)
    {
        // The counter and the registry's tags are independent reads: both at once, one round trip of waiting.
        var tagged = HighestTaggedVersionAsync(key.Nickname, cancellationToken);
        var counterRead = table.GetEntityIfExistsAsync<VersionCounterEntity>(
            key.Nickname, VersionCounterEntity.Key, cancellationToken: cancellationToken);
        await Task.WhenAll(tagged, counterRead);
        var counter = await counterRead;
        TableTransactionAction counting;
        int version;
        if (counter.HasValue)
        {
            var entity = counter.Value!;
            version = Math.Max(entity.LastVersion, await tagged) + 1;
            entity.LastVersion = version;
            counting = new(TableTransactionActionType.UpdateReplace, entity, entity.ETag);
        }
        else
        {
            version = Math.Max(await HighestRecordedVersionAsync(key.Nickname, cancellationToken), await tagged) + 1;
            counting = new(TableTransactionActionType.Add,
                new VersionCounterEntity { PartitionKey = key.Nickname, LastVersion = version });
        }

        var attempt = new BuildRecord(key, version, BuildStatus.Building, null, null, null, waiter is null ? [] : [waiter], time.GetUtcNow(), null);
        var writing = replacing is null
            ? new TableTransactionAction(TableTransactionActionType.Add, BuildEntity.From(attempt))
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, BuildEntity.From(attempt), new ETag(replacing.ETag));
        var responses = await table.SubmitTransactionAsync([counting, writing], cancellationToken);
        return attempt with { ETag = responses.Value[1].Headers.ETag?.ToString() ?? "" };
    }

    private async Task<BuildRecord> ReplaceAsync(BuildRecord record, string ifMatch, CancellationToken cancellationToken)
    {
        var response = await table.UpdateEntityAsync(
            BuildEntity.From(record), new ETag(ifMatch), TableUpdateMode.Replace, cancellationToken);
        return record with { ETag = response.Headers.ETag?.ToString() ?? "" };
    }

    private async Task<bool> IsRecordedAsync(BuildRecord record, CancellationToken cancellationToken)
    {
        var version = await images.GetVersionAsync(record.Key.Nickname, record.Version, cancellationToken);
        return version is not null && version.Digest == record.Digest;
    }

    private async Task<int> HighestRecordedVersionAsync(string nickname, CancellationToken cancellationToken)
    {
        var versions = await images.GetVersionsAsync(nickname, cancellationToken);
        var registration = await images.GetAsync(nickname, cancellationToken);
        return Math.Max(versions.Count == 0 ? 0 : versions.Max(v => v.Number), registration?.CurrentVersion ?? 0);
    }

    /// <summary>
    /// The highest <c>v&lt;N&gt;</c> tag already in the custom image's repository: version tags are immutable, so a
    /// number the registry holds is never given out again, even when the tables lost what built it.
    /// </summary>
    private async Task<int> HighestTaggedVersionAsync(string nickname, CancellationToken cancellationToken)
    {
        var tags = await registry.ListTagsAsync(customImages.Registry, customImages.RepositoryFor(nickname), cancellationToken);
        return tags
            .Select(tag => tag.Length > 1 && tag[0] == 'v' && int.TryParse(tag.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : 0)
            .DefaultIfEmpty(0)
            .Max();
    }
}
