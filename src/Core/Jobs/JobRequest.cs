namespace ManagedImages.Jobs;

/// <summary>A job to start: <paramref name="Image"/> pinned by digest, the run's args and env, labels naming what it runs.</summary>
public sealed record JobRequest(
    string JobName,
    string Image,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyDictionary<string, string> Labels);
