namespace ManagedImages.Jobs;

/// <summary>A job to start: <paramref name="Image"/> pinned by digest, the run's args and env, labels naming what it runs.</summary>
public sealed record JobRequest(
    string JobName,
    string Image,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>The CPU and memory the run asked for; null (and any value left out) means the launcher's configuration.</summary>
    public JobResources? Resources { get; init; }
}
