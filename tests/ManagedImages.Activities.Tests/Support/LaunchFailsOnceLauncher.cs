using ManagedImages.Jobs;

namespace ManagedImages.Activities.Tests.Support;

/// <summary>
/// The real launcher, except that the first launch loses its answer: the job is started, then the call fails (as when
/// the connection drops after the engine accepted it). The retry must find that job, not start a second one.
/// </summary>
internal sealed class LaunchFailsOnceLauncher(IJobLauncher inner) : IJobLauncher
{
    private int launches;

    public int Launches => launches;

    public async Task<JobLaunch> LaunchAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var launch = await inner.LaunchAsync(request, cancellationToken);
        if (Interlocked.Increment(ref launches) == 1)
        {
            throw new HttpRequestException("the connection to the engine dropped after the launch (injected)");
        }
        return launch;
    }

    public Task<JobResult> WaitAsync(string jobName, CancellationToken cancellationToken) =>
        inner.WaitAsync(jobName, cancellationToken);
}
