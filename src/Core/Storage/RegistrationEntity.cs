using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace ManagedImages.Storage;

/// <summary>The registration row of a nickname's partition: the document in parts plus what the service tracks.</summary>
internal static class RegistrationEntity
{
    public const string RowKey = "registration";

    private const string DocumentParts = "DocumentParts";
    private const string DocumentPart = "Document";
    private const string DocumentEncoding = "DocumentEncoding";
    private const string JsonGzip = "json+gzip";

    public static TableEntity Create(StoredRegistration stored, IReadOnlyList<byte[]> document)
    {
        var entity = new TableEntity(stored.Nickname, RowKey)
        {
            ["Base"] = stored.Registration.Base,
            [DocumentEncoding] = JsonGzip,
            [DocumentParts] = document.Count,
            ["CreatedAt"] = stored.CreatedAt,
        };
        for (var i = 0; i < document.Count; i++) entity[PartName(i)] = document[i];
        SetTracking(entity, stored);
        return entity;
    }

    /// <summary>Writes what changes without the document (revision, hash, state, versions, times) onto a row.</summary>
    public static void SetTracking(TableEntity entity, StoredRegistration stored)
    {
        entity["Revision"] = stored.Revision;
        entity["CustomizationHash"] = stored.CustomizationHash;
        entity["State"] = stored.State.ToString();
        entity["UpdatedAt"] = stored.UpdatedAt;
        // Absent properties read back as null; a replace drops them.
        SetOrRemove(entity, "FailureReason", stored.FailureReason);
        SetOrRemove(entity, "CurrentVersion", stored.CurrentVersion);
        SetOrRemove(entity, "PinnedVersion", stored.PinnedVersion);
        entity["VersionActions"] = stored.VersionActions;
    }

    public static StoredRegistration Read(TableEntity entity)
    {
        var encoding = entity.GetString(DocumentEncoding);
        if (encoding != JsonGzip)
            throw new InvalidDataException($"The registration of '{entity.PartitionKey}' is stored as '{encoding}', which this version cannot read.");
        var count = entity.GetInt32(DocumentParts) ?? 0;
        var parts = Enumerable.Range(0, count).Select(i => entity.GetBinary(PartName(i))
            ?? throw new InvalidDataException($"Part {i} of the registration of '{entity.PartitionKey}' is missing."));

        return new StoredRegistration(
            entity.PartitionKey,
            RegistrationDocument.Join(parts),
            entity.GetInt64("Revision") ?? 0,
            entity.GetString("CustomizationHash") ?? "",
            Enum.Parse<RegistrationState>(entity.GetString("State") ?? nameof(RegistrationState.Pending)),
            entity.GetString("FailureReason"),
            entity.GetInt32("CurrentVersion"),
            entity.GetDateTimeOffset("CreatedAt") ?? default,
            entity.GetDateTimeOffset("UpdatedAt") ?? default)
        {
            ETag = entity.ETag.ToString(),
            PinnedVersion = entity.GetInt32("PinnedVersion"),
            VersionActions = entity.GetInt32("VersionActions") ?? 0,
        };
    }

    private static string PartName(int index) => DocumentPart + index.ToString("D2", CultureInfo.InvariantCulture);

    private static void SetOrRemove(TableEntity entity, string name, object? value)
    {
        if (value is null) entity.Remove(name);
        else entity[name] = value;
    }
}
