using ManagedImages.Activities.Tests.Support;
using ManagedImages.Builds;
using ManagedImages.Oci;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using ManagedImages.Upgrades;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Activities.Tests.Upgrades;

/// <summary>What one base push starts, read from the runs-by-base index and started without a prior read of the build.</summary>
[Trait("Category", "Stack")]
public sealed class BasePushStartsTests
{
    [Fact]
    public async Task Concurrent_deliveries_start_one_build_for_the_recent_image_and_skip_a_failed_attempt_a_moved_and_a_pinned_image()
    {
        await using var world = await World.StartAsync();
        var firstBase = await world.PushBaseAsync("1");
        var ran = DateTimeOffset.UtcNow.AddMinutes(-5);
        var (upgraded, failed, moved, pinned) = (UniqueNames.Of("up"), UniqueNames.Of("failed"), UniqueNames.Of("moved"), UniqueNames.Of("pinned"));
        foreach (var nickname in new[] { upgraded, failed, moved, pinned })
        {
            await ReadyAsync(world, nickname, world.Greeting(nickname), 1, firstBase);
            await world.Images.RecordRunAsync(nickname, world.BaseReference, ran);
        }
        await world.Images.PinAsync(pinned, 1);
        // Moved to another base after its run: its row in the index of the old base stays, and must start nothing.
        var elsewhere = world.Greeting(moved) with { Base = $"{LocalStack.Registry}/acttests/elsewhere-{UniqueNames.Suffix()}:latest" };
        var revised = await world.Images.SaveAsync(moved, elsewhere, ifMatch: null);
        await ReadyAsync(world, moved, elsewhere, 2, firstBase, revised.Revision);
        var newBase = await world.PushBaseAsync("2");
        var failedKey = new BuildKey(failed, 1, newBase);
        var attempt = await world.Builds.StartIfAbsentAsync(failedKey, CancellationToken.None);
        await world.Builds.FinishAsync(failedKey, attempt.Record.Version, r => r with { Status = BuildStatus.Failed, Error = "failed in the test" }, CancellationToken.None);

        var handler = world.Services.GetRequiredService<BasePushHandler>();
        var tag = ImageReference.Parse(world.BaseReference);
        var push = new BasePush(tag.Registry, tag.Repository, tag.Tag, newBase);
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => handler.HandleAsync(push, CancellationToken.None)));

        Assert.All(results, r => Assert.Equal((BasePushOutcome.Handled, 4), (r.Outcome, r.RecentlyRun)));
        Assert.Equal([upgraded], results.SelectMany(r => r.UpgradesStarted));
        var upgradeKey = new BuildKey(upgraded, 1, newBase);
        await Eventually.TrueAsync(
            async () => await world.Builds.GetAsync(upgradeKey, CancellationToken.None) is { Status: not BuildStatus.Building }, "the upgrade to finish");
        var upgrade = (await world.Builds.GetAsync(upgradeKey, CancellationToken.None))!;
        Assert.True(upgrade.Status == BuildStatus.Succeeded, $"the upgrade failed: {upgrade.Error}");
        Assert.Equal(2, (await world.Images.GetAsync(upgraded))!.CurrentVersion);
        Assert.Equal(1, world.Builder.Calls(upgraded, 2));
        Assert.Equal(1, world.Builder.TotalCalls);
        var stillFailed = await world.Builds.GetAsync(failedKey, CancellationToken.None);
        Assert.Equal((BuildStatus.Failed, attempt.Record.Version), (stillFailed!.Status, stillFailed.Version));
        Assert.Null(await world.Builds.GetAsync(new BuildKey(moved, 1, newBase), CancellationToken.None));
        Assert.Null(await world.Builds.GetAsync(new BuildKey(moved, revised.Revision, newBase), CancellationToken.None));
        Assert.Null(await world.Builds.GetAsync(new BuildKey(pinned, 1, newBase), CancellationToken.None));
    }

    [Fact]
    public async Task StartIfAbsent_starts_one_attempt_among_concurrent_callers_and_leaves_an_existing_record_as_it_is()
    {
        await using var world = await World.StartAsync();
        var key = new BuildKey(UniqueNames.Of("absent"), 1, "sha256:" + new string('a', 64));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => world.Builds.StartIfAbsentAsync(key, CancellationToken.None)));

        var started = Assert.Single(outcomes, o => o.Started);
        Assert.All(outcomes, o => Assert.Equal(started.Record.Version, o.Record.Version));
        await world.Builds.FinishAsync(key, started.Record.Version, r => r with { Status = BuildStatus.Failed, Error = "failed in the test" }, CancellationToken.None);
        var again = await world.Builds.StartIfAbsentAsync(key, CancellationToken.None);
        Assert.False(again.Started);
        Assert.Equal((BuildStatus.Failed, started.Record.Version), (again.Record.Status, again.Record.Version));
    }

    /// <summary>Stores <paramref name="registration"/> with version <paramref name="number"/> built on <paramref name="baseDigest"/> (Ready).</summary>
    private static async Task ReadyAsync(World world, string nickname, Registrations.Registration registration, int number, string baseDigest, long revision = 1)
    {
        if (revision == 1) await world.Images.SaveAsync(nickname, registration, ifMatch: null);
        await world.Images.AddVersionAsync(new ImageVersion(
            nickname, number, $"{LocalStack.Registry}/acttests/{nickname}:v{number}", "sha256:" + new string('c', 64),
            registration.Base, baseDigest, revision, DateTimeOffset.UtcNow));
    }
}
