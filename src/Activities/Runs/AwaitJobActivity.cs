using ManagedImages.Jobs;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace ManagedImages.Runs;

/// <summary>
/// Waits for a run's job at most <see cref="JobAwaitOptions.AwaitSlice"/> and returns its exit code and log tail, or null
/// while it still runs (the run then waits again), so no single activity outlives the host's activity timeout.
/// </summary>
public sealed class AwaitJobActivity(IJobLauncher launcher, IOptions<JobAwaitOptions> options) : TaskActivity<string, JobResult?>
{
    public override async Task<JobResult?> RunAsync(TaskActivityContext context, string input)
    {
        using var slice = new CancellationTokenSource(options.Value.AwaitSlice);
        try
        {
            return await launcher.WaitAsync(input, slice.Token);
        }
        catch (Exception) when (slice.IsCancellationRequested)
        {
            // A launcher may surface the cancelled wait as its own I/O error; either way the job has not ended yet, and
            // any real failure shows again in the next slice.
            return null;
        }
    }
}
