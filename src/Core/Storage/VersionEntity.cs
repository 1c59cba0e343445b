using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace ManagedImages.Storage;

/// <summary>A version row; row keys are zero-padded so versions sort by number.</summary>
internal sealed class VersionEntity : ITableEntity
{
    public const string RowKeyPrefix = "version-";

    /// <summary>The first row key after every version row ('.' follows '-').</summary>
    public const string RowKeyEnd = "version.";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Number { get; set; }
    public string Image { get; set; } = "";
    public string Digest { get; set; } = "";
    public string BaseReference { get; set; } = "";
    public string BaseDigest { get; set; } = "";
    public long Revision { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set while a garbage collection deletes this version (see ImageStore.Collection); runs and pins refuse it.</summary>
    public DateTimeOffset? CollectingSince { get; set; }

    public static string RowKeyOf(int number) => RowKeyPrefix + number.ToString("D10", CultureInfo.InvariantCulture);

    public static VersionEntity From(ImageVersion version) => new()
    {
        PartitionKey = version.Nickname,
        RowKey = RowKeyOf(version.Number),
        Number = version.Number,
        Image = version.Image,
        Digest = version.Digest,
        BaseReference = version.BaseReference,
        BaseDigest = version.BaseDigest,
        Revision = version.Revision,
        CreatedAt = version.CreatedAt,
    };

    public ImageVersion ToVersion() =>
        new(PartitionKey, Number, Image, Digest, BaseReference, BaseDigest, Revision, CreatedAt);
}
