using ManagedImages.Jobs;

namespace ManagedImages.Activities.Tests.Support;

/// <summary>The real launcher, counting the waits it is asked for and those that were cut short by their token.</summary>
internal sealed class WaitCountingLauncher(IJobLauncher inner) : IJobLauncher
{
    private int waits;
    private int cancelled;

    public int Waits => waits;

    public int Cancelled => cancelled;

    public Task<JobLaunch> LaunchAsync(JobRequest request, CancellationToken cancellationToken) =>
        inner.LaunchAsync(request, cancellationToken);

    public async Task<JobResult> WaitAsync(string jobName, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref waits);
        try
        {
            return await inner.WaitAsync(jobName, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref cancelled);
            throw;
        }
    }
}
