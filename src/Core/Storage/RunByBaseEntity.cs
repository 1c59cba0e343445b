using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;

namespace ManagedImages.Storage;

/// <summary>
/// The index of runs by base tag (table <c>{TablePrefix}runsbybase</c>): one partition per <see cref="BaseTagName"/>,
/// one row per nickname run on it, with the time of its last run there. A base push reads one partition instead of
/// scanning every nickname's last-run row. Table keys may not hold '/', so the partition is the SHA-256 of the name,
/// which is kept in a property and checked by the query. A row left after the nickname moved to another base (or was
/// deleted) is harmless: readers check the registration itself.
/// </summary>
internal static class RunByBaseEntity
{
    public const string BaseName = "BaseName";
    public const string LastRunAt = "LastRunAt";

    public static string PartitionOf(string baseName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(baseName)));

    public static TableEntity Create(string baseName, string nickname, DateTimeOffset at) =>
        new(PartitionOf(baseName), nickname) { [BaseName] = baseName, [LastRunAt] = at };
}
