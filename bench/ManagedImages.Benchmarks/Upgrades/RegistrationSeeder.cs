using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using ManagedImages.Registrations;
using ManagedImages.Storage;

namespace ManagedImages.Benchmarks.Upgrades;

/// <summary>
/// Writes ready registrations straight into <see cref="ImageStore"/>'s table, as the store itself writes them: per
/// nickname its registration row, a version 1 row and its last-run row, in one table transaction (a partition is a
/// nickname, so a transaction cannot span two). One request per registration instead of the store's six. The
/// runs-by-base index rows the store writes beside each last-run row follow, 100 to a transaction (one partition per
/// base tag).
/// </summary>
internal sealed class RegistrationSeeder(TableClient table, TableClient runsByBase, TableClient builds)
{
    public async Task SeedAsync(IEnumerable<SeededImage> images, int parallelism, CancellationToken cancellationToken)
    {
        await table.CreateIfNotExistsAsync(cancellationToken);
        await builds.CreateIfNotExistsAsync(cancellationToken);
        await runsByBase.CreateIfNotExistsAsync(cancellationToken);
        var list = images.ToList();
        await Parallel.ForEachAsync(list, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (image, ct) =>
            {
                await table.SubmitTransactionAsync(Rows(image), ct);
                // Building version 1 through the service leaves the nickname's version counter at 1 (BuildStore's row
                // "version-counter"); only images that will be upgraded need it (a row each, in another table).
                if (image.Counter)
                    await builds.AddEntityAsync(new TableEntity(image.Nickname, "version-counter") { ["LastVersion"] = 1 }, ct);
            });

        var indexed = list.Where(i => BaseTagName.Of(i.BaseReference) is not null)
            .Select(i => RunByBaseEntity.Create(BaseTagName.Of(i.BaseReference)!, i.Nickname, i.LastRunAt))
            .GroupBy(e => e.PartitionKey)
            .SelectMany(partition => partition.Chunk(100));
        await Parallel.ForEachAsync(indexed, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (rows, ct) => await runsByBase.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), ct));
    }

    private static TableTransactionAction[] Rows(SeededImage image)
    {
        var registration = new Registrations.Registration
        {
            Base = image.BaseReference,
            Files = [new FileSpec { Path = "/etc/greeting", Content = $"hello from {image.Nickname}\n" }],
        };
        var stored = new StoredRegistration(
            image.Nickname, registration, 1, CustomizationHash.Compute(registration), RegistrationState.Ready, null, 1, image.CreatedAt, image.CreatedAt);
        // Version 1 as if built on the base's first digest; nothing reads its image unless the nickname is run.
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(image.Nickname)));
        var version = new ImageVersion(
            image.Nickname, 1, $"{image.Registry}/bench-push/{image.Nickname}:v1", digest, image.BaseReference, image.BaseDigest, 1, image.CreatedAt);
        return
        [
            new(TableTransactionActionType.Add, RegistrationEntity.Create(stored, RegistrationDocument.Split(registration))),
            new(TableTransactionActionType.Add, VersionEntity.From(version)),
            new(TableTransactionActionType.Add, LastRunEntity.Create(image.Nickname, BaseTagName.Of(image.BaseReference), image.LastRunAt)),
        ];
    }
}

/// <summary>One registration to seed: on which base (and the digest its version 1 was built on), and when it was last run.</summary>
internal sealed record SeededImage(
    string Nickname, string Registry, string BaseReference, string BaseDigest, DateTimeOffset CreatedAt, DateTimeOffset LastRunAt, bool Counter);
