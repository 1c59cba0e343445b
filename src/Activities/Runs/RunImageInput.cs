using ManagedImages.Jobs;

namespace ManagedImages.Runs;

/// <summary>The input of one RunImage orchestration: which nickname to run, with the requester's args and env.</summary>
public sealed record RunImageInput(
    string Nickname,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env)
{
    /// <summary>How fresh the launched version must be; null (older callers) means strict.</summary>
    public RunFreshness? Freshness { get; init; }

    /// <summary>The CPU and memory the requester asked for; null (older callers, or none asked) means the launcher's configuration.</summary>
    public JobResources? Resources { get; init; }
}
