using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using ManagedImages.Activities.Tests.Support;
using ManagedImages.Builds;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.Runs;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using ManagedImages.Versions;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Activities.Tests.Versions;

/// <summary>Garbage collection of old versions on the real parts: Table Storage on Azurite, the registry, runs on the test host.</summary>
[Trait("Category", "Stack")]
public sealed class VersionCollectionTests
{
    private static Task<World> StartAsync(int keep) =>
        World.StartAsync(configure: services => services.Configure<VersionCollectionOptions>(o => o.Keep = keep));

    [Fact]
    public async Task Collection_keeps_the_newest_the_current_and_the_pinned_and_deletes_the_others_manifests_and_records()
    {
        await using var world = await StartAsync(keep: 2);
        var digests = new Dictionary<int, string>();
        await world.Images.SaveAsync(world.Nickname, world.Greeting("hello"), null);
        for (var n = 1; n <= 6; n++)
            digests[n] = await AddVersionAsync(world, n, content: n == 5 ? "2" : n.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(digests[2], digests[5]); // an identical rebuild: v5 shares v2's manifest
        await world.Images.RollBackAsync(world.Nickname, 3); // current = 3 (old), pinned = 3
        await world.Images.PinAsync(world.Nickname, 1); // pinned = 1, current stays 3
        var recordings = world.Services.GetRequiredService<BuildRecordingStore>();
        await recordings.SaveAsync(new BuildRecording(world.Nickname, 4, 1, "sha256:" + new string('b', 64), true, ResolvedPackages.Empty, DateTimeOffset.UtcNow),
            ["built v4"], CancellationToken.None);

        var before = (await world.Images.GetVersionsAsync(world.Nickname)).ToDictionary(v => v.Number);
        try
        {
            var result = await world.Services.GetRequiredService<VersionCollector>().CollectAsync(world.Nickname, CancellationToken.None);

            Assert.NotNull(result);
            Assert.Equal([2, 4], result.Deleted.Select(d => d.Version));
            Assert.False(result.Deleted.Single(d => d.Version == 2).ManifestDeleted); // v5 keeps it
            Assert.True(result.Deleted.Single(d => d.Version == 4).ManifestDeleted);
            Assert.Equal([6, 5, 3, 1], result.Kept.Select(k => k.Version));
            Assert.Equal(["newest"], result.Kept.Single(k => k.Version == 6).Reasons);
            Assert.Equal(["current"], result.Kept.Single(k => k.Version == 3).Reasons);
            Assert.Equal(["pinned"], result.Kept.Single(k => k.Version == 1).Reasons);
            Assert.Empty(result.Failed);

            Assert.Equal([6, 5, 3, 1], (await world.Images.GetVersionsAsync(world.Nickname)).Select(v => v.Number));
            Assert.Null(await HeadAsync(world, before[4]));
            foreach (var kept in new[] { 6, 5, 3, 1 }) Assert.NotNull(await HeadAsync(world, before[kept]));
            Assert.Null(await recordings.GetAsync(world.Nickname, 4, CancellationToken.None));
            var collected = (await world.Images.GetVersionActionsAsync(world.Nickname)).Where(a => a.Kind == VersionActionKind.Collect);
            Assert.Equal([4, 2], collected.Select(a => a.Version));

            var again = await world.Services.GetRequiredService<VersionCollector>().CollectAsync(world.Nickname, CancellationToken.None);
            Assert.Empty(again!.Deleted);
        }
        finally
        {
            await new TableServiceClient(LocalStack.Storage).DeleteTableAsync(recordings.TableName);
        }
    }

    [Fact]
    public async Task A_version_a_run_in_progress_uses_is_kept_until_the_run_ends()
    {
        await using var world = await StartAsync(keep: 1);
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var v1 = await VersionAsync(world, 1);
        var runId = await world.StartRunAsync(["/bin/busybox", "sleep", "5"]);
        await Eventually.TrueAsync(
            async () => (await world.Images.GetLeasesAsync(world.Nickname, DateTimeOffset.UtcNow)).Any(l => l.RunId == runId),
            "the run's lease on v1");
        await AddVersionAsync(world, 2, "newer");
        var collector = world.Services.GetRequiredService<VersionCollector>();

        var during = await collector.CollectAsync(world.Nickname, CancellationToken.None);

        Assert.Empty(during!.Deleted);
        Assert.Equal([$"in use by run {runId}"], during.Kept.Single(k => k.Version == 1).Reasons);
        var run = await world.WaitAsync(runId);
        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        Assert.Equal(1, run.ReadOutputAs<RunOutput>()!.Version);
        Assert.Empty(await world.Images.GetLeasesAsync(world.Nickname, DateTimeOffset.UtcNow));

        var after = await collector.CollectAsync(world.Nickname, CancellationToken.None);

        Assert.Equal([1], after!.Deleted.Select(d => d.Version));
        Assert.Null(await HeadAsync(world, v1));
    }

    [Fact]
    public async Task A_new_version_collects_the_old_ones_in_the_background()
    {
        await using var world = await StartAsync(keep: 1);
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var v1 = await VersionAsync(world, 1);
        Assert.NotNull(await HeadAsync(world, v1));
        await world.PushBaseAsync("2");

        var run = await world.RunAsync(World.PrintVersions);

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        Assert.Equal(2, run.ReadOutputAs<RunOutput>()!.Version);
        await Eventually.TrueAsync(async () => (await world.Images.GetVersionsAsync(world.Nickname)).Count == 1, "v1 to be collected");
        Assert.Equal(2, (await world.Images.GetVersionsAsync(world.Nickname))[0].Number);
        Assert.Null(await HeadAsync(world, v1));
    }

    [Fact]
    public async Task A_lease_written_after_the_collector_marked_the_version_makes_it_keep_the_version_and_a_pin_refuses_a_marked_one()
    {
        await using var world = await StartAsync(keep: 1);
        await world.Images.SaveAsync(world.Nickname, world.Greeting("hello"), null);
        await AddVersionAsync(world, 1, "1");
        await AddVersionAsync(world, 2, "2");

        // A collection that stopped after marking v1 (or is between its mark and its read of the leases).
        Assert.True(await world.Images.MarkCollectingAsync(world.Nickname, 1));
        var use = await world.Images.LeaseVersionAsync(world.Nickname, 1, "run-late", TimeSpan.FromMinutes(5));
        await Assert.ThrowsAsync<VersionNotFoundException>(() => world.Images.PinAsync(world.Nickname, 1));
        var result = await world.Services.GetRequiredService<VersionCollector>().CollectAsync(world.Nickname, CancellationToken.None);

        Assert.Equal(VersionUse.Collecting, use);
        Assert.Empty(result!.Deleted);
        Assert.Equal(["in use by run run-late"], result.Kept.Single(k => k.Version == 1).Reasons);
        Assert.Equal(VersionUse.Usable, await world.Images.GetVersionUseAsync(world.Nickname, 1));

        // An expired lease protects nothing.
        await world.Images.LeaseVersionAsync(world.Nickname, 1, "run-late", TimeSpan.FromMilliseconds(1));
        await Task.Delay(50);
        var later = await world.Services.GetRequiredService<VersionCollector>().CollectAsync(world.Nickname, CancellationToken.None);
        Assert.Equal([1], later!.Deleted.Select(d => d.Version));
        Assert.Equal(VersionUse.Gone, await world.Images.GetVersionUseAsync(world.Nickname, 1));
    }

    /// <summary>Pushes a small image whose one file holds <paramref name="content"/> as v<paramref name="number"/> and records it; returns its digest.</summary>
    private static async Task<string> AddVersionAsync(World world, int number, string content)
    {
        var tag = ImageReference.Parse($"{LocalStack.Registry}/acttests-managed/{world.Nickname}:v{number}");
        var pushed = await world.Services.GetRequiredService<ScratchImage>().PushAsync(
            tag, [LayerEntry.File("etc/content", LayerEntry.DefaultFileMode, Encoding.UTF8.GetBytes(content))], BusyboxImage.Config, CancellationToken.None);
        var stored = (await world.Images.GetAsync(world.Nickname))!;
        await world.Images.AddVersionAsync(new ImageVersion(
            world.Nickname, number, tag.ToString(), pushed.Digest, world.BaseReference, "sha256:" + new string('a', 64), stored.Revision, DateTimeOffset.UtcNow));
        return pushed.Digest;
    }

    /// <summary>HEAD of <paramref name="version"/>'s manifest by digest: null once it is deleted.</summary>
    private static Task<Digest?> HeadAsync(World world, ImageVersion version) =>
        world.Services.GetRequiredService<RegistryClient>().ResolveDigestAsync(
            ImageReference.Parse(version.Image).WithDigest(Digest.Parse(version.Digest)), CancellationToken.None);

    private static async Task<ImageVersion> VersionAsync(World world, int number) =>
        (await world.Images.GetVersionsAsync(world.Nickname)).Single(v => v.Number == number);
}
