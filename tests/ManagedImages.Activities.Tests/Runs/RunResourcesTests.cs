using ManagedImages.Activities.Tests.Support;
using ManagedImages.Jobs;
using ManagedImages.Runs;
using ManagedImages.TestSupport;
using Microsoft.DurableTask.Client;

namespace ManagedImages.Activities.Tests.Runs;

[Trait("Category", "Stack")]
public sealed class RunResourcesTests
{
    [Fact]
    public async Task A_runs_memory_limit_goes_from_its_input_to_the_job_container()
    {
        await using var world = await World.StartAsync();
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var input = new RunImageInput(world.Nickname, ["sh", "-c", "exit 0"], new Dictionary<string, string>())
        {
            Resources = new JobResources { Limits = new Dictionary<string, string> { ["memory"] = "48Mi" } },
        };

        var run = await world.RunToEndAsync(nameof(RunImageOrchestrator), input);

        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        using var docker = LocalStack.Docker();
        var container = Assert.Single(await world.ContainersAsync(run.InstanceId));
        var inspected = await docker.Containers.InspectContainerAsync(container.ID);
        Assert.Equal(48L * 1024 * 1024, inspected.HostConfig.Memory);
    }
}
