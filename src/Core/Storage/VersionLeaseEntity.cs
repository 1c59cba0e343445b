using Azure.Data.Tables;

namespace ManagedImages.Storage;

/// <summary>A lease row, beside the version rows in the nickname's partition, keyed by run id (one lease per run).</summary>
internal static class VersionLeaseEntity
{
    public const string RowKeyPrefix = "lease-";

    /// <summary>The first row key after every lease row ('.' follows '-').</summary>
    public const string RowKeyEnd = "lease.";

    // Escaped: a run id may hold characters a row key may not ('/', '\\', '#', '?').
    public static string RowKeyOf(string runId) => RowKeyPrefix + Uri.EscapeDataString(runId);

    public static TableEntity Create(VersionLease lease) => new(lease.Nickname, RowKeyOf(lease.RunId))
    {
        ["Version"] = lease.Version,
        ["RunId"] = lease.RunId,
        ["ExpiresAt"] = lease.ExpiresAt,
    };

    public static VersionLease Read(TableEntity row) => new(
        row.PartitionKey, row.GetInt32("Version") ?? 0, row.GetString("RunId") ?? "", row.GetDateTimeOffset("ExpiresAt") ?? default);
}
