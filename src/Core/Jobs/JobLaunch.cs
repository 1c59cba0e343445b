namespace ManagedImages.Jobs;

/// <summary>A started job; <paramref name="AlreadyExisted"/> when a retried launch found the job it had started.</summary>
public sealed record JobLaunch(string JobName, bool AlreadyExisted);
