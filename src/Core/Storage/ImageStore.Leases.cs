using Azure;
using Azure.Data.Tables;

namespace ManagedImages.Storage;

// Leases of versions by runs in progress, so that garbage collection never deletes a version a job is about to pull.
public sealed partial class ImageStore
{
    /// <summary>
    /// Writes (or renews) the lease of run <paramref name="runId"/> on version <paramref name="version"/>, then says
    /// whether the version may be used. The lease is written first: a collection that marks the version afterwards
    /// reads the lease and keeps it. Writing the same lease again is harmless (activities run at least once).
    /// </summary>
    public async Task<VersionUse> LeaseVersionAsync(
        string nickname, int version, string runId, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        await TableCreation.EnsureAsync(table, cancellationToken);
        await table.UpsertEntityAsync(
            VersionLeaseEntity.Create(new VersionLease(nickname, version, runId, Now() + duration)), TableUpdateMode.Replace, cancellationToken);
        return await GetVersionUseAsync(nickname, version, cancellationToken);
    }

    /// <summary>Removes the lease of run <paramref name="runId"/>; none is fine.</summary>
    public async Task ReleaseVersionAsync(string nickname, string runId, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        await TableCreation.EnsureAsync(table, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(nickname, VersionLeaseEntity.RowKeyOf(runId), ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Released already.
        }
    }

    /// <summary>The leases of <paramref name="nickname"/> that have not expired at <paramref name="at"/>.</summary>
    public async Task<IReadOnlyList<VersionLease>> GetLeasesAsync(string nickname, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {nickname} and RowKey ge {VersionLeaseEntity.RowKeyPrefix} and RowKey lt {VersionLeaseEntity.RowKeyEnd} and ExpiresAt gt {at}");
        var leases = new List<VersionLease>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            leases.Add(VersionLeaseEntity.Read(row));
        return leases;
    }
}
