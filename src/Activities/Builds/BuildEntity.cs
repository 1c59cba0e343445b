using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace ManagedImages.Builds;

/// <summary>The table row of a <see cref="BuildRecord"/>: partition = nickname, row key = <see cref="BuildKey.RowKey"/>.</summary>
internal sealed class BuildEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public long Revision { get; set; }
    public string BaseDigest { get; set; } = "";
    public int Version { get; set; }
    public string Status { get; set; } = "";
    public string? Image { get; set; }
    public string? Digest { get; set; }
    public string? Error { get; set; }

    /// <summary>Waiting orchestration instance ids as a JSON array (a table property holds up to 64 KiB: ~1500 ids).</summary>
    public string Waiters { get; set; } = "[]";

    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    public static BuildEntity From(BuildRecord record) => new()
    {
        PartitionKey = record.Key.Nickname,
        RowKey = record.Key.RowKey,
        ETag = string.IsNullOrEmpty(record.ETag) ? default : new ETag(record.ETag),
        Revision = record.Key.Revision,
        BaseDigest = record.Key.BaseDigest,
        Version = record.Version,
        Status = record.Status.ToString(),
        Image = record.Image,
        Digest = record.Digest,
        Error = record.Error,
        Waiters = JsonSerializer.Serialize(record.Waiters),
        StartedAt = record.StartedAt,
        CompletedAt = record.CompletedAt,
    };

    public BuildRecord ToRecord() => new(
        new BuildKey(PartitionKey, Revision, BaseDigest),
        Version,
        Enum.Parse<BuildStatus>(Status),
        Image,
        Digest,
        Error,
        JsonSerializer.Deserialize<List<string>>(Waiters) ?? [],
        StartedAt,
        CompletedAt)
    {
        ETag = ETag.ToString(),
    };
}
