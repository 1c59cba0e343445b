using ManagedImages.Jobs;
using Microsoft.DurableTask;

namespace ManagedImages.Runs;

/// <summary>Starts a run's job; idempotent because the launcher finds a job it already started under the same name.</summary>
public sealed class LaunchJobActivity(IJobLauncher launcher) : TaskActivity<JobRequest, JobLaunch>
{
    public override Task<JobLaunch> RunAsync(TaskActivityContext context, JobRequest input) =>
        launcher.LaunchAsync(input, CancellationToken.None);
}
