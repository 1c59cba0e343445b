using Azure;
using Azure.Data.Tables;

namespace ManagedImages.Builds;

/// <summary>The per-nickname row that hands out version numbers; it only ever counts up.</summary>
internal sealed class VersionCounterEntity : ITableEntity
{
    // Build rows start with "r", so this key never meets one.
    public const string Key = "version-counter";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Key;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int LastVersion { get; set; }
}
