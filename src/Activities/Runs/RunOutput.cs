namespace ManagedImages.Runs;

/// <summary>
/// What a finished run reports: the version that ran (pinned by digest), the base digest it was built on,
/// whether this run had to upgrade it, whether it was fresh or pinned, and how the job ended.
/// </summary>
public sealed record RunOutput(
    string Nickname,
    int Version,
    string Image,
    string ImageDigest,
    string BaseDigest,
    bool Upgraded,
    string JobName,
    int ExitCode,
    IReadOnlyList<string> LogTail)
{
    /// <summary>The version that ran was built on the base's digest at the time of the run and the current revision.</summary>
    public bool Fresh { get; init; }

    /// <summary>The nickname is pinned: the pinned version ran and nothing was upgraded.</summary>
    public bool Pinned { get; init; }

    /// <summary>The freshness policy the run followed: strict, allowStale or maxAge.</summary>
    public FreshnessMode Freshness { get; init; }

    /// <summary>With allowStale on a stale version: the version whose build was started (or joined) for the next run.</summary>
    public int? BackgroundBuildVersion { get; init; }
}
