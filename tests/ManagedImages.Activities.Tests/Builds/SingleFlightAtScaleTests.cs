using System.Diagnostics;
using ManagedImages.Activities.Tests.Support;
using ManagedImages.Builds;
using ManagedImages.Jobs;
using ManagedImages.Runs;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;

namespace ManagedImages.Activities.Tests.Builds;

/// <summary>Issue 5's single-flight figure on the in-memory backend: 100 runs at once on a stale image.</summary>
[Trait("Category", "Stack")]
public sealed class SingleFlightAtScaleTests(ITestOutputHelper output)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();

    [Fact]
    public async Task A_hundred_concurrent_runs_on_a_stale_image_make_one_build_and_a_hundred_jobs_on_the_new_digest()
    {
        const int runs = 100;
        await using var world = await World.StartAsync();
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var newBase = await world.PushBaseAsync("2");
        world.Builder.Hold();
        Mark("setup");

        var runIds = await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => world.StartRunAsync(World.PrintVersions)));
        // Every run joins the one build while it is held, so each of them is told by the completion event, none finds it done.
        var key = new BuildKey(world.Nickname, 1, newBase);
        await Eventually.TrueAsync(
            async () => (await world.Builds.GetAsync(key, CancellationToken.None))?.Waiters.Count == runs,
            $"all {runs} runs to join the build");
        Mark("joined");
        world.Builder.Release();
        var finished = await Task.WhenAll(runIds.Select(world.WaitAsync));

        Mark("finished");
        Assert.All(finished, run => Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"a run failed: {run.FailureDetails}"));
        var versions = await world.Images.GetVersionsAsync(world.Nickname, CancellationToken.None);
        Assert.Equal([1, 2], versions.Select(v => v.Number).Order());
        var built = versions.Single(v => v.Number == 2);
        Assert.Equal(newBase, built.BaseDigest);
        Assert.Equal(1, world.Builder.Calls(world.Nickname, 2));
        Assert.Equal(2, world.Builder.TotalCalls);

        var outputs = finished.Select(run => run.ReadOutputAs<RunOutput>()!).ToList();
        Assert.All(outputs, o => Assert.Equal((2, built.Digest, true, 0), (o.Version, o.ImageDigest, o.Upgraded, o.ExitCode)));
        // The jobs really ran, one container per run, each from the new version pinned by digest, seeing the new base.
        var containers = await world.ContainersAsync();
        Assert.Equal(runIds.Order(StringComparer.Ordinal), containers.Select(c => c.Labels[JobLabels.RunId]).Order(StringComparer.Ordinal));
        Assert.All(containers, c => Assert.Equal((built.Digest, "exited"), (c.Labels[JobLabels.ImageDigest], c.State)));
        Assert.All(containers, c => Assert.EndsWith("@" + built.Digest, c.Image, StringComparison.Ordinal));
        Assert.All(outputs, o => Assert.Equal(["base 2", "hello"], o.LogTail));
    }

    /// <summary>When each phase ended, in the test's output: on a loaded machine it tells where the time went.</summary>
    private void Mark(string phase) => output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {phase}");
}
