using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace ManagedImages.Storage;

/// <summary>A history row of a pin, unpin or rollback; numbered by the registration's action counter so they never collide.</summary>
internal sealed class VersionActionEntity : ITableEntity
{
    public const string RowKeyPrefix = "action-";

    /// <summary>The first row key after every action row ('.' follows '-').</summary>
    public const string RowKeyEnd = "action.";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Sequence { get; set; }
    public string Kind { get; set; } = "";
    public int? Version { get; set; }
    public int? PreviousCurrent { get; set; }
    public int? PreviousPinned { get; set; }
    public DateTimeOffset At { get; set; }

    public static VersionActionEntity From(string nickname, VersionAction action) => new()
    {
        PartitionKey = nickname,
        RowKey = RowKeyPrefix + action.Sequence.ToString("D10", CultureInfo.InvariantCulture),
        Sequence = action.Sequence,
        Kind = action.Kind.ToString(),
        Version = action.Version,
        PreviousCurrent = action.PreviousCurrent,
        PreviousPinned = action.PreviousPinned,
        At = action.At,
    };

    public VersionAction ToAction() =>
        new(Sequence, Enum.Parse<VersionActionKind>(Kind), Version, PreviousCurrent, PreviousPinned, At);
}
