namespace ManagedImages.Jobs;

/// <summary>Starts a job from an image and waits for it: the Docker engine here, a Kubernetes Job on AKS.</summary>
public interface IJobLauncher
{
    /// <summary>Starts the job unless a job of that name exists already (a retried launch finds its own job).</summary>
    Task<JobLaunch> LaunchAsync(JobRequest request, CancellationToken cancellationToken);

    /// <summary>Waits until the job ends and returns its exit code and the last lines of its log.</summary>
    Task<JobResult> WaitAsync(string jobName, CancellationToken cancellationToken);
}
