using ManagedImages.Jobs;
using Microsoft.DurableTask;

namespace ManagedImages.Runs;

/// <summary>Waits until a run's job ends and returns its exit code and log tail.</summary>
public sealed class AwaitJobActivity(IJobLauncher launcher) : TaskActivity<string, JobResult>
{
    public override Task<JobResult> RunAsync(TaskActivityContext context, string input) =>
        launcher.WaitAsync(input, CancellationToken.None);
}
