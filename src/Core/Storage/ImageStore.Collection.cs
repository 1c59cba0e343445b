using Azure;
using Azure.Data.Tables;

namespace ManagedImages.Storage;

// Garbage collection of versions, safe against runs and pins racing with it. The collector marks a version row
// (CollectingSince) before it reads the leases and the registration; a run writes its lease before it reads the version
// row; a pin or rollback changes the version row in its own transaction. Table Storage orders operations on a
// partition, so either the collector sees the lease (or the pin) and keeps the version, or the run (or pin) sees the
// mark and does not use it.
public sealed partial class ImageStore
{
    /// <summary>Marks version <paramref name="number"/> as being collected; false when its row is gone (collected already).</summary>
    public async Task<bool> MarkCollectingAsync(string nickname, int number, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var patch = new TableEntity(nickname, VersionEntity.RowKeyOf(number)) { [nameof(VersionEntity.CollectingSince)] = Now() };
        try
        {
            await table.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Clears the mark of a version that is kept after all (in use, pinned meanwhile, or its delete failed).</summary>
    public async Task ClearCollectingAsync(string nickname, int number, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        // Null in a replace drops the property; a merge cannot remove one, so the row is read and replaced.
        var row = await ReadVersionRowAsync(nickname, number, cancellationToken);
        if (row?.CollectingSince is null) return;
        row.CollectingSince = null;
        try
        {
            await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Deleted, or marked again by another collection: that one decides.
        }
    }

    /// <summary>The versions of <paramref name="nickname"/> that carry a collection mark (left by a collection that stopped half-way, or going on now).</summary>
    public async Task<IReadOnlySet<int>> GetCollectingAsync(string nickname, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {nickname} and RowKey ge {VersionEntity.RowKeyPrefix} and RowKey lt {VersionEntity.RowKeyEnd}");
        var marked = new HashSet<int>();
        await foreach (var row in table.QueryAsync<VersionEntity>(filter, cancellationToken: cancellationToken))
            if (row.CollectingSince is not null) marked.Add(row.Number);
        return marked;
    }

    /// <summary>Whether a run may use version <paramref name="number"/>: it exists and no collection is deleting it.</summary>
    public async Task<VersionUse> GetVersionUseAsync(string nickname, int number, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        var row = await ReadVersionRowAsync(nickname, number, cancellationToken);
        return row is null ? VersionUse.Gone : row.CollectingSince is null ? VersionUse.Usable : VersionUse.Collecting;
    }

    /// <summary>
    /// Removes the record of a collected version and records the collection in the history, in one transaction with
    /// the registration (whose action counter numbers the history rows). False when the row was gone already.
    /// </summary>
    /// <exception cref="InvalidOperationException">The version is current or pinned: it is not the collector's to remove.</exception>
    public async Task<bool> RemoveCollectedVersionAsync(string nickname, int number, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await ReadRegistrationAsync(nickname, cancellationToken);
            var row = await ReadVersionRowAsync(nickname, number, cancellationToken);
            if (existing is null || row is null) return false;
            var current = RegistrationEntity.Read(existing);
            if (current.CurrentVersion == number || current.PinnedVersion == number)
                throw new InvalidOperationException($"v{number} of '{nickname}' is current or pinned; it is not removed.");

            var now = Now();
            var action = new VersionAction(current.VersionActions + 1, VersionActionKind.Collect, number, current.CurrentVersion, current.PinnedVersion, now);
            RegistrationEntity.SetTracking(existing, current with { VersionActions = action.Sequence, UpdatedAt = now });
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.UpdateReplace, existing, existing.ETag),
                new(TableTransactionActionType.Add, VersionActionEntity.From(nickname, action)),
                new(TableTransactionActionType.Delete, row, row.ETag),
            ];
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412 && attempt < MaxAttempts)
            {
                // The registration or the row changed meanwhile: read again and decide again.
            }
            catch (TableTransactionFailedException e) when (e.Status is 404 or 409 or 412)
            {
                throw Conflict(nickname, e);
            }
        }
    }

    private async Task<VersionEntity?> ReadVersionRowAsync(string nickname, int number, CancellationToken cancellationToken)
    {
        await TableCreation.EnsureAsync(table, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<VersionEntity>(nickname, VersionEntity.RowKeyOf(number), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    // A merge of nothing: changes only the row's ETag, which is what a transaction guarded by it needs.
    private static TableEntity Touch(VersionEntity row) => new(row.PartitionKey, row.RowKey);
}
