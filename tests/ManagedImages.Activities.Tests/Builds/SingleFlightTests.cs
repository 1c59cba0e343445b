using ManagedImages.Activities.Tests.Support;
using ManagedImages.Builds;
using ManagedImages.Runs;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Activities.Tests.Builds;

[Trait("Category", "Stack")]
public sealed class SingleFlightTests
{
    [Fact]
    public async Task Concurrent_runs_on_a_stale_image_start_exactly_one_build()
    {
        const int runs = 8;
        await using var world = await World.StartAsync();
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var newBase = await world.PushBaseAsync("2");
        world.Builder.Hold();

        var runIds = await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => world.StartRunAsync(World.PrintVersions)));
        // Hold the build until every run has joined it, so none can find it finished.
        var key = new BuildKey(world.Nickname, 1, newBase);
        await Eventually.TrueAsync(
            async () => (await world.Builds.GetAsync(key, CancellationToken.None))?.Waiters.Count == runs,
            $"all {runs} runs to join the build");
        world.Builder.Release();
        var finished = await Task.WhenAll(runIds.Select(world.WaitAsync));

        Assert.All(finished, run => Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"a run failed: {run.FailureDetails}"));
        Assert.All(finished, run => Assert.Equal((2, true), (run.ReadOutputAs<RunOutput>()!.Version, run.ReadOutputAs<RunOutput>()!.Upgraded)));
        Assert.Equal(1, world.Builder.Calls(world.Nickname, 2));
        Assert.Equal(2, world.Builder.TotalCalls);
    }

    [Fact]
    public async Task A_build_left_building_by_a_host_that_died_is_restarted_by_a_waiting_run()
    {
        await using var world = await World.StartAsync(checkInterval: TimeSpan.FromSeconds(1));
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var newBase = await world.PushBaseAsync("2");
        // A build record that says Building, with no build running anywhere: what a killed host leaves behind.
        var orphan = await world.Builds.StartOrJoinAsync(new BuildKey(world.Nickname, 1, newBase), "a-run-of-the-dead-host", CancellationToken.None);
        Assert.True(orphan.Started);

        var run = await world.RunAsync(World.PrintVersions);

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        Assert.Equal(orphan.Record.Version, run.ReadOutputAs<RunOutput>()!.Version);
        Assert.Equal(1, world.Builder.Calls(world.Nickname, orphan.Record.Version));
    }

    [Fact]
    public async Task A_run_asking_for_a_build_that_has_just_succeeded_gets_its_image_at_once_without_building_again()
    {
        await using var world = await World.StartAsync();
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var newBase = await world.PushBaseAsync("2");
        var first = (await world.RunAsync(World.PrintVersions)).ReadOutputAs<RunOutput>()!;

        // A second run that resolved the image while the first run's build was finishing asks for that build now.
        var request = ActivatorUtilities.CreateInstance<RequestBuildActivity>(world.Services);
        var late = await request.RunAsync(null!, new RequestBuildInput(world.Nickname, 1, newBase, "a-late-run"));

        Assert.Equal(BuildStatus.Succeeded, late.Status);
        Assert.Equal((first.Version, first.ImageDigest), (late.Version, late.Digest));
        Assert.Equal(1, world.Builder.Calls(world.Nickname, first.Version));
    }
}
