using ManagedImages.Activities.Tests.Support;
using ManagedImages.Runs;
using Microsoft.DurableTask.Client;

namespace ManagedImages.Activities.Tests.Runs;

[Trait("Category", "Stack")]
public sealed class RunImageTests
{
    [Fact]
    public async Task A_fresh_image_runs_at_once_on_its_current_version_without_a_build()
    {
        await using var world = await World.StartAsync();
        var baseDigest = await world.PushBaseAsync("1");
        var registered = await world.RegisterAsync(world.Greeting("hello"));

        var run = await world.RunAsync(World.PrintVersions);

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        var output = run.ReadOutputAs<RunOutput>()!;
        Assert.False(output.Upgraded);
        Assert.True(output.Fresh);
        Assert.False(output.Pinned);
        Assert.Equal(1, output.Version);
        Assert.Equal(registered.Digest, output.ImageDigest);
        Assert.EndsWith("@" + registered.Digest, output.Image, StringComparison.Ordinal);
        Assert.Equal(baseDigest, output.BaseDigest);
        Assert.Equal(0, output.ExitCode);
        Assert.Equal(["base 1", "hello"], output.LogTail);
        Assert.Equal(1, world.Builder.TotalCalls); // only the registration built
        Assert.Equal("done", run.ReadCustomStatusAs<RunProgress>()!.Stage);
    }

    [Fact]
    public async Task A_run_after_the_base_moved_builds_a_new_version_on_the_new_digest_and_runs_it()
    {
        await using var world = await World.StartAsync();
        var oldBase = await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var newBase = await world.PushBaseAsync("2");
        Assert.NotEqual(oldBase, newBase);

        var run = await world.RunAsync(World.PrintVersions);

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        var output = run.ReadOutputAs<RunOutput>()!;
        Assert.True(output.Upgraded);
        Assert.True(output.Fresh);
        Assert.Equal(2, output.Version);
        Assert.Equal(newBase, output.BaseDigest);
        Assert.Equal(["base 2", "hello"], output.LogTail);
        var stored = await world.Images.GetAsync(world.Nickname);
        Assert.Equal(2, stored!.CurrentVersion);
        var current = (await world.Images.GetVersionsAsync(world.Nickname))[0];
        Assert.Equal((2, newBase, output.ImageDigest), (current.Number, current.BaseDigest, current.Digest));
    }

    [Fact]
    public async Task A_run_after_the_registration_changed_builds_the_new_revision_on_the_same_base()
    {
        await using var world = await World.StartAsync();
        var baseDigest = await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var changed = await world.Images.SaveAsync(world.Nickname, world.Greeting("hello again"), null);
        Assert.Equal(2, changed.Revision);

        var run = await world.RunAsync(World.PrintVersions);

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        var output = run.ReadOutputAs<RunOutput>()!;
        Assert.True(output.Upgraded);
        Assert.Equal(2, output.Version);
        Assert.Equal(baseDigest, output.BaseDigest);
        Assert.Equal(["base 1", "hello again"], output.LogTail);
        var current = (await world.Images.GetVersionsAsync(world.Nickname))[0];
        Assert.Equal((2, 2L), (current.Number, current.Revision));
    }

    [Fact]
    public async Task A_job_that_exits_non_zero_completes_the_run_with_its_exit_code()
    {
        await using var world = await World.StartAsync();
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));

        var run = await world.RunAsync(["sh", "-c", "echo giving up; exit 3"]);

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        var output = run.ReadOutputAs<RunOutput>()!;
        Assert.Equal(3, output.ExitCode);
        Assert.Equal(["giving up"], output.LogTail);
    }

    [Fact]
    public async Task A_run_of_an_unknown_nickname_fails_saying_nothing_is_registered_under_it()
    {
        await using var world = await World.StartAsync();

        var run = await world.RunAsync(["true"]);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        Assert.Equal($"no image is registered as '{world.Nickname}'", run.FailureDetails!.ErrorMessage);
        Assert.Equal("failed", run.ReadCustomStatusAs<RunProgress>()!.Stage);
    }
}
