using ManagedImages.Activities.Tests.Support;
using ManagedImages.Jobs;
using ManagedImages.Runs;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Activities.Tests.Runs;

[Trait("Category", "Stack")]
public sealed class AwaitSliceTests
{
    [Fact]
    public async Task A_job_longer_than_the_await_slice_is_waited_for_over_several_slices_and_reports_its_exit_code_and_log()
    {
        await using var world = await World.StartAsync(
            configure: services =>
            {
                services.AddSingleton(sp => new WaitCountingLauncher(sp.GetRequiredService<DockerJobLauncher>()));
                services.AddSingleton<IJobLauncher>(sp => sp.GetRequiredService<WaitCountingLauncher>());
            },
            settings: new Dictionary<string, string?> { ["Jobs:AwaitSlice"] = "00:00:01" });
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));

        var run = await world.RunAsync(["sh", "-c", "sleep 4; echo slept; exit 5"]);

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        var output = run.ReadOutputAs<RunOutput>()!;
        Assert.Equal((5, "slept"), (output.ExitCode, Assert.Single(output.LogTail)));
        var launcher = world.Services.GetRequiredService<WaitCountingLauncher>();
        // Each slice but the last ends with the wait cancelled; a 4 s job takes at least 3 such 1 s slices.
        Assert.True(launcher.Cancelled >= 3, $"{launcher.Cancelled} of {launcher.Waits} waits were cut at the slice; expected at least 3");
        Assert.Equal(launcher.Waits - 1, launcher.Cancelled);
    }
}
