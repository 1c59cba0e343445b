using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using ManagedImages.Registrations;
using ManagedImages.Storage;
using Microsoft.Extensions.Options;

namespace ManagedImages.Builds;

/// <summary>
/// Package build recordings and their logs in Table Storage: table "{TablePrefix}recordings", one partition per
/// nickname, one row per version ("v0000000001"). A retried build of the same version replaces its row. Kept apart
/// from the versions (whose shape is a contract) so that a failed build's log is kept too.
/// </summary>
public sealed class BuildRecordingStore
{
    private const string RowPrefix = "v";
    private const string LogPartPrefix = "Log";


    private readonly TableClient table;

    public BuildRecordingStore(IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TableName = options.Value.ResolveTablePrefix() + "recordings";
        table = options.Value.CreateTableClient(TableName);
    }

    public string TableName { get; }

    /// <summary>Writes (or replaces) the recording of one build with its whole log.</summary>
    public async Task SaveAsync(BuildRecording recording, IReadOnlyList<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(log);
        CheckNickname(recording.Nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var entity = new TableEntity(recording.Nickname, RowKeyOf(recording.Version))
        {
            ["Revision"] = recording.Revision,
            ["BaseDigest"] = recording.BaseDigest,
            ["Succeeded"] = recording.Succeeded,
            ["Packages"] = JsonSerializer.SerializeToUtf8Bytes(recording.Packages),
            ["RecordedAt"] = recording.RecordedAt,
            ["LogLines"] = log.Count,
        };
        var parts = BuildLogText.Split(log);
        for (var i = 0; i < parts.Count; i++) entity[LogPartPrefix + i.ToString(CultureInfo.InvariantCulture)] = parts[i];
        entity["LogParts"] = parts.Count;
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Deletes every recording of <paramref name="nickname"/>: a registration made again under that name starts at
    /// revision 1, and must not be pinned to the package versions of the one deleted.
    /// </summary>
    public async Task DeleteAllAsync(string nickname, CancellationToken cancellationToken)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {nickname}");
        var keys = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            keys.Add(entity);
        foreach (var entity in keys)
            await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, Azure.ETag.All, cancellationToken);
    }

    /// <summary>Deletes the recording and log of one version (garbage collection); none is fine.</summary>
    public async Task DeleteAsync(string nickname, int version, CancellationToken cancellationToken)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        await table.DeleteEntityAsync(nickname, RowKeyOf(version), Azure.ETag.All, cancellationToken);
    }

    public async Task<BuildRecording?> GetAsync(string nickname, int version, CancellationToken cancellationToken)
    {
        var entity = await ReadAsync(nickname, version, cancellationToken);
        return entity is null ? null : Read(entity);
    }

    /// <summary>Every line the build of <paramref name="version"/> logged (cut in the middle when huge), or null when no build of it is recorded.</summary>
    public async Task<IReadOnlyList<string>?> GetBuildLogAsync(string nickname, int version, CancellationToken cancellationToken)
    {
        var entity = await ReadAsync(nickname, version, cancellationToken);
        if (entity is null) return null;
        var count = entity.GetInt32("LogParts") ?? 0;
        return BuildLogText.Join(Enumerable.Range(0, count).Select(i => entity.GetBinary(LogPartPrefix + i.ToString(CultureInfo.InvariantCulture)) ?? []));
    }

    /// <summary>
    /// The newest successful recording of <paramref name="nickname"/> at registration <paramref name="revision"/>
    /// with a version before <paramref name="beforeVersion"/> (any when null): the packages a rebuild pins.
    /// </summary>
    public async Task<BuildRecording?> FindPinsAsync(string nickname, long revision, int? beforeVersion, CancellationToken cancellationToken)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var upper = beforeVersion is { } before ? RowKeyOf(before) : RowPrefix + "~";
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {nickname} and RowKey ge {RowPrefix} and RowKey lt {upper} and Revision eq {revision} and Succeeded eq true");
        BuildRecording? newest = null;
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "Revision", "BaseDigest", "Succeeded", "Packages", "RecordedAt"], cancellationToken: cancellationToken))
        {
            var recording = Read(entity);
            if (newest is null || recording.Version > newest.Version) newest = recording;
        }
        return newest;
    }

    private async Task<TableEntity?> ReadAsync(string nickname, int version, CancellationToken cancellationToken)
    {
        CheckNickname(nickname);
        await TableCreation.EnsureAsync(table, cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(nickname, RowKeyOf(version), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private static BuildRecording Read(TableEntity entity) => new(
        entity.PartitionKey,
        int.Parse(entity.RowKey.AsSpan(RowPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture),
        entity.GetInt64("Revision") ?? 0,
        entity.GetString("BaseDigest") ?? "",
        entity.GetBoolean("Succeeded") ?? false,
        entity.GetBinary("Packages") is { } json ? JsonSerializer.Deserialize<ResolvedPackages>(json) ?? ResolvedPackages.Empty : ResolvedPackages.Empty,
        entity.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue);

    private static string RowKeyOf(int version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        return RowPrefix + version.ToString("D10", CultureInfo.InvariantCulture);
    }

    private static void CheckNickname(string nickname)
    {
        if (RegistrationValidator.NicknameProblem(nickname) is { } problem) throw new ArgumentException(problem, nameof(nickname));
    }
}
