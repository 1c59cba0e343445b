using ManagedImages.Activities.Tests.Support;
using ManagedImages.Builds;
using ManagedImages.Runs;
using Microsoft.DurableTask.Client;

namespace ManagedImages.Activities.Tests.Builds;

[Trait("Category", "Stack")]
public sealed class BuildFailureTests
{
    [Fact]
    public async Task A_build_that_does_not_finish_in_time_fails_the_run_and_the_previous_version_stays_current()
    {
        await using var world = await World.StartAsync(buildTimeout: TimeSpan.FromSeconds(5), checkInterval: TimeSpan.FromSeconds(1));
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var newBase = await world.PushBaseAsync("2");
        world.Builder.Hang = true;

        var run = await world.RunAsync(World.PrintVersions);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        Assert.Equal(
            "the build of v2 did not finish within 5 s; the previous version (v1) stays current",
            run.FailureDetails!.ErrorMessage);
        Assert.Equal(1, (await world.Images.GetAsync(world.Nickname))!.CurrentVersion);
        var record = await world.Builds.GetAsync(new BuildKey(world.Nickname, 1, newBase), CancellationToken.None);
        Assert.Equal((2, BuildStatus.Failed), (record!.Version, record.Status));

        // The timed-out attempt is given up, so the next run starts a new one, with a number never used before.
        world.Builder.Hang = false;
        var next = await world.RunAsync(World.PrintVersions);
        Assert.True(next.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the next run failed: {next.FailureDetails}");
        Assert.Equal(3, next.ReadOutputAs<RunOutput>()!.Version);
        Assert.Equal(3, (await world.Images.GetAsync(world.Nickname))!.CurrentVersion);
    }

    [Fact]
    public async Task A_failing_build_fails_the_run_with_the_builders_message()
    {
        await using var world = await World.StartAsync();
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        await world.PushBaseAsync("2");
        world.Builder.FailWith = "the builder exploded (injected)";

        var run = await world.RunAsync(World.PrintVersions);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        Assert.Equal(
            "the build of v2 failed: the builder exploded (injected); the previous version (v1) stays current",
            run.FailureDetails!.ErrorMessage);
        Assert.Equal(1, (await world.Images.GetAsync(world.Nickname))!.CurrentVersion);
        Assert.Empty(await world.ContainersAsync());
    }
}
