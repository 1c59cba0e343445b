namespace ManagedImages.Jobs;

/// <summary>Labels put on job containers (and Kubernetes Jobs) so any tool can tell what a job runs and for whom.</summary>
public static class JobLabels
{
    /// <summary>The job name; the launcher puts it on every job so a retried launch recognises its own job.</summary>
    public const string Job = "io.managedimages.job";

    public const string Nickname = "io.managedimages.nickname";

    public const string Version = "io.managedimages.version";

    public const string RunId = "io.managedimages.run-id";

    public const string ImageDigest = "io.managedimages.image-digest";

    public const string BaseDigest = "io.managedimages.base-digest";
}
