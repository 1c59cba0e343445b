namespace ManagedImages.Runs;

/// <summary>How a run waits for its job (section <c>Jobs</c>).</summary>
public sealed class JobAwaitOptions
{
    public const string Section = "Jobs";

    /// <summary>
    /// The longest one <see cref="AwaitJobActivity"/> waits before it reports the job still running and the run waits
    /// again. It must stay under the host's activity timeout (the Functions host's <c>functionTimeout</c>), so a job may
    /// run longer than that.
    /// </summary>
    public TimeSpan AwaitSlice { get; set; } = TimeSpan.FromMinutes(10);
}
