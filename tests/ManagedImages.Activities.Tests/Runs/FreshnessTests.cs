using ManagedImages.Activities.Tests.Support;
using ManagedImages.Runs;
using Microsoft.DurableTask.Client;

namespace ManagedImages.Activities.Tests.Runs;

/// <summary>Pins and freshness policies: each test moves the base after version 1 and runs one job.</summary>
[Trait("Category", "Stack")]
public sealed class FreshnessTests
{
    private static async Task<RunOutput> RunAsync(World world, RunFreshness? freshness)
    {
        var id = await world.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(RunImageOrchestrator),
            new RunImageInput(world.Nickname, World.PrintVersions, new Dictionary<string, string>()) { Freshness = freshness });
        var run = await world.WaitAsync(id);
        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        return run.ReadOutputAs<RunOutput>()!;
    }

    [Fact]
    public async Task A_pinned_nickname_runs_the_pinned_version_although_the_base_moved_and_builds_nothing()
    {
        await using var world = await World.StartAsync();
        var oldBase = await world.PushBaseAsync("1");
        var registered = await world.RegisterAsync(world.Greeting("hello"));
        await world.Images.PinAsync(world.Nickname, 1);
        await world.PushBaseAsync("2");

        var output = await RunAsync(world, null);

        Assert.Equal((1, registered.Digest, oldBase), (output.Version, output.ImageDigest, output.BaseDigest));
        Assert.True(output.Pinned);
        Assert.False(output.Fresh);
        Assert.False(output.Upgraded);
        Assert.Equal(["base 1", "hello"], output.LogTail);
        Assert.Equal(1, world.Builder.TotalCalls); // only the registration built
        Assert.Equal(1, (await world.Images.GetAsync(world.Nickname))!.CurrentVersion);
    }

    [Fact]
    public async Task AllowStale_launches_the_current_version_at_once_and_starts_the_upgrade_for_the_next_run()
    {
        await using var world = await World.StartAsync();
        var oldBase = await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var newBase = await world.PushBaseAsync("2");

        var output = await RunAsync(world, RunFreshness.AllowStale);

        Assert.Equal((1, oldBase), (output.Version, output.BaseDigest));
        Assert.Equal(["base 1", "hello"], output.LogTail);
        Assert.False(output.Fresh);
        Assert.False(output.Upgraded);
        Assert.Equal(FreshnessMode.AllowStale, output.Freshness);
        Assert.Equal(2, output.BackgroundBuildVersion);
        await Eventually.TrueAsync(
            async () => (await world.Images.GetAsync(world.Nickname))!.CurrentVersion == 2, "the background build to make v2 current");
        var v2 = (await world.Images.GetVersionsAsync(world.Nickname))[0];
        Assert.Equal((2, newBase), (v2.Number, v2.BaseDigest));
    }

    [Fact]
    public async Task MaxAge_accepts_a_version_built_within_the_duration_although_the_base_moved()
    {
        await using var world = await World.StartAsync();
        var oldBase = await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        await world.PushBaseAsync("2");

        var output = await RunAsync(world, RunFreshness.Within(TimeSpan.FromHours(1)));

        Assert.Equal((1, oldBase), (output.Version, output.BaseDigest));
        Assert.False(output.Fresh);
        Assert.False(output.Upgraded);
        Assert.Equal(FreshnessMode.MaxAge, output.Freshness);
        Assert.Null(output.BackgroundBuildVersion);
        Assert.Equal(1, world.Builder.TotalCalls); // only the registration built
    }
}
