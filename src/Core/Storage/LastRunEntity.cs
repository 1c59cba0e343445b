using Azure.Data.Tables;

namespace ManagedImages.Storage;

/// <summary>
/// The row that says when a nickname was last run and on which base tag, beside its registration row in the same
/// partition. It is a row of its own so that a run does not change the registration's ETag, which users send back in
/// If-Match: a run between their read and their update must not make the update a conflict.
/// </summary>
internal static class LastRunEntity
{
    public const string RowKey = "lastrun";
    public const string LastRunAt = "LastRunAt";

    /// <summary>The <see cref="BaseTagName"/> the run resolved ("" when the base is pinned by digest).</summary>
    public const string BaseName = "BaseName";

    public static TableEntity Create(string nickname, string? baseName, DateTimeOffset at) =>
        new(nickname, RowKey) { [LastRunAt] = at, [BaseName] = baseName ?? "" };
}
