using ManagedImages.Activities.Tests.Support;
using ManagedImages.Jobs;
using ManagedImages.Runs;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Activities.Tests.Runs;

[Trait("Category", "Stack")]
public sealed class LaunchRetryTests
{
    [Fact]
    public async Task A_launch_that_loses_its_answer_is_retried_without_starting_a_second_job()
    {
        await using var world = await World.StartAsync(configure: services =>
        {
            services.AddSingleton(sp => new LaunchFailsOnceLauncher(sp.GetRequiredService<DockerJobLauncher>()));
            services.AddSingleton<IJobLauncher>(sp => sp.GetRequiredService<LaunchFailsOnceLauncher>());
        });
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));

        var runId = await world.StartRunAsync(World.PrintVersions);
        var run = await world.WaitAsync(runId);

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        Assert.Equal(0, run.ReadOutputAs<RunOutput>()!.ExitCode);
        Assert.Equal(2, world.Services.GetRequiredService<LaunchFailsOnceLauncher>().Launches);
        Assert.Single(await world.ContainersAsync(runId));
    }
}
