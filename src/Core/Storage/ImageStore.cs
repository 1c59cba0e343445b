using Azure;
using Azure.Data.Tables;
using ManagedImages.Registrations;
using Microsoft.Extensions.Options;

namespace ManagedImages.Storage;

/// <summary>
/// Registrations and their versions in Table Storage: one table, one partition per nickname, a registration row and a
/// row per version. Every write is guarded by the ETag it read, so concurrent writers never overwrite each other: the
/// loser gets a <see cref="ConcurrencyConflictException"/>.
/// </summary>
public sealed partial class ImageStore
{
    // Builds complete once; a registration update racing with one only costs a re-read.
    private const int MaxAttempts = 10;

    // Tables are created once per process and table, however many stores point at them.

    private readonly TableClient table;
    private readonly TableClient runsByBase;
    private readonly TimeProvider time;

    public ImageStore(IOptions<StorageOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), TimeProvider.System)
    {
    }

    internal ImageStore(StorageOptions options, TimeProvider time)
    {
        TableName = options.ResolveTablePrefix() + "images";
        table = options.CreateTableClient(TableName);
        RunsByBaseTableName = options.ResolveTablePrefix() + "runsbybase";
        runsByBase = options.CreateTableClient(RunsByBaseTableName);
        this.time = time;
    }

    /// <summary>The table that holds everything: "{TablePrefix}images".</summary>
    public string TableName { get; }

    /// <summary>The index of runs by base tag that base pushes read: "{TablePrefix}runsbybase".</summary>
    public string RunsByBaseTableName { get; }

    public async Task<StoredRegistration?> GetAsync(string nickname, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        var entity = await ReadRegistrationAsync(nickname, cancellationToken);
        return entity is null ? null : RegistrationEntity.Read(entity);
    }

    /// <summary>Every registration, ordered by nickname.</summary>
    public async Task<IReadOnlyList<StoredRegistration>> ListAsync(CancellationToken cancellationToken = default)
    {
        await TableCreation.EnsureAsync(table, cancellationToken);
        var list = new List<StoredRegistration>();
        var filter = TableClient.CreateQueryFilter($"RowKey eq {RegistrationEntity.RowKey}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            list.Add(RegistrationEntity.Read(entity));
        return list;
    }

    /// <summary>
    /// Creates the registration (revision 1, Pending) or updates it (revision + 1). An identical registration is a no-op
    /// that returns the stored one, except after a failed first build: then it is Pending again, at the same revision,
    /// so that saving it again retries the build. <paramref name="ifMatch"/>, when given, is the ETag the caller read.
    /// </summary>
    /// <exception cref="ConcurrencyConflictException">Someone else changed or created it since it was read.</exception>
    public async Task<StoredRegistration> SaveAsync(
        string nickname, Registration registration, string? ifMatch, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        ArgumentNullException.ThrowIfNull(registration);
        var hash = CustomizationHash.Compute(registration);
        var document = RegistrationDocument.Split(registration);
        var now = Now();

        var existing = await ReadRegistrationAsync(nickname, cancellationToken);
        if (existing is null)
        {
            // The caller read a registration that is gone: what they meant to change no longer exists.
            if (!string.IsNullOrEmpty(ifMatch)) throw Conflict(nickname);
            var created = new StoredRegistration(nickname, registration, 1, hash, RegistrationState.Pending, null, null, now, now);
            try
            {
                var response = await table.AddEntityAsync(RegistrationEntity.Create(created, document), cancellationToken);
                return created with { ETag = response.Headers.ETag?.ToString() ?? "" };
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                throw Conflict(nickname, e);
            }
        }

        var current = RegistrationEntity.Read(existing);
        var identical = current.CustomizationHash == hash && current.Registration.Base == registration.Base;
        var failed = current.State == RegistrationState.Failed;
        if (identical && !failed) return current;
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch != current.ETag) throw Conflict(nickname);

        // A failed first build is retried, with the new registration or (saved again unchanged) the same revision;
        // otherwise the state is the versions' business.
        var updated = current with
        {
            Registration = registration,
            Revision = identical ? current.Revision : current.Revision + 1,
            CustomizationHash = hash,
            State = failed ? RegistrationState.Pending : current.State,
            FailureReason = failed ? null : current.FailureReason,
            UpdatedAt = now,
        };
        try
        {
            var response = await table.UpdateEntityAsync(
                RegistrationEntity.Create(updated, document), existing.ETag, TableUpdateMode.Replace, cancellationToken);
            return updated with { ETag = response.Headers.ETag?.ToString() ?? "" };
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw Conflict(nickname, e);
        }
    }

    /// <summary>
    /// Version <paramref name="number"/> of <paramref name="nickname"/>, or null. A point read: where a caller needs one
    /// version, this costs one row, not a query (Azurite evaluates a query's filter over every row of the table).
    /// </summary>
    public async Task<ImageVersion?> GetVersionAsync(string nickname, int number, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<VersionEntity>(nickname, VersionEntity.RowKeyOf(number), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.ToVersion() : null;
    }

    /// <summary>The versions of <paramref name="nickname"/>, newest first.</summary>
    public async Task<IReadOnlyList<ImageVersion>> GetVersionsAsync(string nickname, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {nickname} and RowKey ge {VersionEntity.RowKeyPrefix} and RowKey lt {VersionEntity.RowKeyEnd}");
        var versions = new List<ImageVersion>();
        await foreach (var entity in table.QueryAsync<VersionEntity>(filter, cancellationToken: cancellationToken))
            versions.Add(entity.ToVersion());
        versions.Sort((a, b) => b.Number.CompareTo(a.Number));
        return versions;
    }

    /// <summary>
    /// Records a built version, makes it current (unless a newer one is) and marks the registration Ready, in one
    /// transaction. Recording the same version again is a no-op.
    /// </summary>
    public async Task<StoredRegistration> AddVersionAsync(ImageVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        CheckNickname(version.Nickname);
        ArgumentOutOfRangeException.ThrowIfLessThan(version.Number, 1);

        for (var attempt = 1; ; attempt++)
        {
            var existing = await ReadRegistrationAsync(version.Nickname, cancellationToken)
                ?? throw new InvalidOperationException(
                    $"There is no registration named '{version.Nickname}' to add version {version.Number} to; it was deleted or never created.");
            var current = RegistrationEntity.Read(existing);

            var recorded = await table.GetEntityIfExistsAsync<VersionEntity>(
                version.Nickname, VersionEntity.RowKeyOf(version.Number), cancellationToken: cancellationToken);
            if (recorded.HasValue)
            {
                if (recorded.Value!.Digest == version.Digest) return current;
                throw new InvalidOperationException(
                    $"Version {version.Number} of '{version.Nickname}' is already recorded as {recorded.Value.Digest}, not {version.Digest}; " +
                    "a version number names one image.");
            }

            var updated = current with
            {
                CurrentVersion = Math.Max(current.CurrentVersion ?? 0, version.Number),
                State = RegistrationState.Ready,
                FailureReason = null,
                UpdatedAt = Now(),
            };
            RegistrationEntity.SetTracking(existing, updated);
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.Add, VersionEntity.From(version)),
                new(TableTransactionActionType.UpdateReplace, existing, existing.ETag),
            ];
            try
            {
                var responses = await table.SubmitTransactionAsync(actions, cancellationToken);
                var etag = responses.Value.Count > 1 ? responses.Value[1].Headers.ETag : null;
                return etag is { } e ? updated with { ETag = e.ToString() } : (await GetAsync(version.Nickname, cancellationToken))!;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // The registration changed (an update) or the version row appeared (a concurrent completion): read again.
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                throw Conflict(version.Nickname, e);
            }
        }
    }

    /// <summary>Marks the registration Failed, only while it is Pending at <paramref name="revision"/> (otherwise a no-op).</summary>
    public async Task MarkFailedAsync(string nickname, long revision, string reason, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        ArgumentNullException.ThrowIfNull(reason);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await ReadRegistrationAsync(nickname, cancellationToken);
            if (existing is null) return;
            var current = RegistrationEntity.Read(existing);
            if (current.Revision != revision || current.State != RegistrationState.Pending) return;

            var patch = new TableEntity(nickname, RegistrationEntity.RowKey);
            RegistrationEntity.SetTracking(patch, current with
            {
                State = RegistrationState.Failed,
                FailureReason = Truncate(reason),
                UpdatedAt = Now(),
            });
            try
            {
                await table.UpdateEntityAsync(patch, existing.ETag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404 && attempt < MaxAttempts)
            {
                // Changed since read: the next read decides whether it is still Pending at that revision.
            }
        }
    }

    /// <summary>
    /// Records that <paramref name="nickname"/> was run at <paramref name="at"/> on <paramref name="baseReference"/>.
    /// Last writer wins without an ETag: two runs racing leave one of their (nearly equal) times, which is all a
    /// "recently run" question needs. Kept in a row of its own, so the registration's ETag does not change, and in the
    /// base tag's partition of the runs-by-base index (both written at once), which base pushes read.
    /// </summary>
    public async Task RecordRunAsync(string nickname, string baseReference, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        var baseName = BaseTagName.Of(baseReference);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var lastRun = table.UpsertEntityAsync(LastRunEntity.Create(nickname, baseName, at), TableUpdateMode.Replace, cancellationToken);
        // A base pinned by digest has no tag a push could move: nothing to index.
        var indexed = baseName is null ? Task.CompletedTask : IndexRunAsync(baseName, nickname, at, cancellationToken);
        await Task.WhenAll(lastRun, indexed);
    }

    private async Task IndexRunAsync(string baseName, string nickname, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await TableCreation.EnsureAsync(runsByBase, cancellationToken);
        await runsByBase.UpsertEntityAsync(RunByBaseEntity.Create(baseName, nickname, at), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>When <paramref name="nickname"/> was last run, or null when it never was.</summary>
    public async Task<DateTimeOffset?> GetLastRunAsync(string nickname, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(
            nickname, LastRunEntity.RowKey, [LastRunEntity.LastRunAt], cancellationToken);
        return row.HasValue ? row.Value!.GetDateTimeOffset(LastRunEntity.LastRunAt) : null;
    }

    /// <summary>
    /// The nicknames run on base tag <paramref name="baseName"/> (a <see cref="BaseTagName"/>) at or after
    /// <paramref name="since"/>, in nickname order: one query of that tag's partition of the runs-by-base index. The
    /// caller checks each registration still follows that base, since a registration changed after its last run stays
    /// in the partition of the base the run saw. Runs recorded before the index existed are not in it: those images
    /// stay lazy until they run again.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindRunSinceAsync(string baseName, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseName);
        await TableCreation.EnsureAsync(runsByBase, cancellationToken);
        var partition = RunByBaseEntity.PartitionOf(baseName);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and BaseName eq {baseName} and LastRunAt ge {since}");
        var nicknames = new List<string>();
        await foreach (var row in runsByBase.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
            nicknames.Add(row.RowKey);
        return nicknames;
    }

    /// <summary>Pins <paramref name="nickname"/> to <paramref name="version"/>: runs use it and do not upgrade until unpinned.</summary>
    /// <returns>The registration as it now stands; null when there is none.</returns>
    /// <exception cref="VersionNotFoundException">The nickname has no such version.</exception>
    public Task<StoredRegistration?> PinAsync(string nickname, int version, CancellationToken cancellationToken = default) =>
        RecordVersionActionAsync(nickname, VersionActionKind.Pin, version, cancellationToken);

    /// <summary>Clears the pin and makes the newest version current again, so runs upgrade as usual.</summary>
    /// <returns>The registration as it now stands; null when there is none.</returns>
    public Task<StoredRegistration?> UnpinAsync(string nickname, CancellationToken cancellationToken = default) =>
        RecordVersionActionAsync(nickname, VersionActionKind.Unpin, null, cancellationToken);

    /// <summary>Makes <paramref name="version"/> current and pins it, so runs stay on it until unpinned.</summary>
    /// <returns>The registration as it now stands; null when there is none.</returns>
    /// <exception cref="VersionNotFoundException">The nickname has no such version.</exception>
    public Task<StoredRegistration?> RollBackAsync(string nickname, int version, CancellationToken cancellationToken = default) =>
        RecordVersionActionAsync(nickname, VersionActionKind.Rollback, version, cancellationToken);

    /// <summary>The recorded pins, unpins and rollbacks of <paramref name="nickname"/>, newest first.</summary>
    public async Task<IReadOnlyList<VersionAction>> GetVersionActionsAsync(string nickname, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {nickname} and RowKey ge {VersionActionEntity.RowKeyPrefix} and RowKey lt {VersionActionEntity.RowKeyEnd}");
        var actions = new List<VersionAction>();
        await foreach (var entity in table.QueryAsync<VersionActionEntity>(filter, cancellationToken: cancellationToken))
            actions.Add(entity.ToAction());
        actions.Sort((a, b) => b.Sequence.CompareTo(a.Sequence));
        return actions;
    }

    // The registration row and the history row change in one transaction guarded by the ETag read, so two actions at
    // once never both win and the history never disagrees with the registration.
    private async Task<StoredRegistration?> RecordVersionActionAsync(
        string nickname, VersionActionKind kind, int? version, CancellationToken cancellationToken)
    {
        CheckNickname(nickname);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await ReadRegistrationAsync(nickname, cancellationToken);
            if (existing is null) return null;
            var current = RegistrationEntity.Read(existing);
            var versions = await GetVersionsAsync(nickname, cancellationToken);
            if (version is { } wanted && versions.All(v => v.Number != wanted)) throw new VersionNotFoundException(nickname, wanted);
            // The named version's row joins the transaction: a garbage collection marking it meanwhile changes its
            // ETag, so a version is never pinned while it is being collected (see ImageStore.Collection).
            var chosen = version is { } number ? await ReadVersionRowAsync(nickname, number, cancellationToken) : null;
            if (version is { } named && (chosen is null || chosen.CollectingSince is not null)) throw new VersionNotFoundException(nickname, named);

            var now = Now();
            var action = new VersionAction(current.VersionActions + 1, kind, version, current.CurrentVersion, current.PinnedVersion, now);
            var updated = current with
            {
                PinnedVersion = kind == VersionActionKind.Unpin ? null : version,
                CurrentVersion = kind switch
                {
                    VersionActionKind.Rollback => version,
                    // The newest version, not whatever was current: an unpin undoes a rollback too.
                    VersionActionKind.Unpin => versions.Count > 0 ? versions[0].Number : current.CurrentVersion,
                    _ => current.CurrentVersion,
                },
                VersionActions = action.Sequence,
                UpdatedAt = now,
            };
            RegistrationEntity.SetTracking(existing, updated);
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.UpdateReplace, existing, existing.ETag),
                new(TableTransactionActionType.Add, VersionActionEntity.From(nickname, action)),
                .. chosen is null ? [] : new TableTransactionAction[] { new(TableTransactionActionType.UpdateMerge, Touch(chosen), chosen.ETag) },
            ];
            try
            {
                var responses = await table.SubmitTransactionAsync(actions, cancellationToken);
                var etag = responses.Value.Count > 0 ? responses.Value[0].Headers.ETag : null;
                return etag is { } e ? updated with { ETag = e.ToString() } : await GetAsync(nickname, cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Someone else changed the registration (or recorded an action) meanwhile: read again and decide again.
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                throw Conflict(nickname, e);
            }
        }
    }

    /// <summary>Deletes the registration and all its version rows; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string nickname, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var rowKeys = new List<string>();
        string? runBase = null;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {nickname}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey", LastRunEntity.BaseName], cancellationToken: cancellationToken))
        {
            rowKeys.Add(row.RowKey);
            if (row.RowKey == LastRunEntity.RowKey) runBase = row.GetString(LastRunEntity.BaseName);
        }

        // Its row in the runs-by-base index first (a base push would skip it anyway: the registration is gone).
        if (!string.IsNullOrEmpty(runBase))
        {
            await TableCreation.EnsureAsync(runsByBase, cancellationToken);
            await runsByBase.DeleteEntityAsync(RunByBaseEntity.PartitionOf(runBase), nickname, ETag.All, cancellationToken);
        }

        // Versions first, the registration last: an interrupted delete leaves a registration to delete again,
        // never versions that a new registration of the same nickname would inherit.
        foreach (var rowKey in rowKeys.Where(k => k != RegistrationEntity.RowKey))
            await table.DeleteEntityAsync(nickname, rowKey, ETag.All, cancellationToken);
        if (!rowKeys.Contains(RegistrationEntity.RowKey)) return false;
        var response = await table.DeleteEntityAsync(nickname, RegistrationEntity.RowKey, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    private async Task<TableEntity?> ReadRegistrationAsync(string nickname, CancellationToken cancellationToken)
    {
        await TableCreation.EnsureAsync(table, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(nickname, RegistrationEntity.RowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }


    // Table Storage keeps times to the 100 ns; whole milliseconds read back exactly everywhere.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }

    // A string property holds at most 64 KiB (32 K UTF-16 characters).
    private static string Truncate(string reason) => reason.Length <= 30_000 ? reason : reason[..30_000] + "…";

    private static void CheckNickname(string nickname)
    {
        if (RegistrationValidator.NicknameProblem(nickname) is { } problem) throw new ArgumentException(problem, nameof(nickname));
    }

    private static ConcurrencyConflictException Conflict(string nickname, Exception? inner = null) =>
        new($"The registration '{nickname}' was changed by someone else since it was read; read it again and retry.", inner);
}
