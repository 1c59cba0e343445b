namespace ManagedImages.Runs;

/// <summary>
/// What a finished run reports: the version that ran (pinned by digest), the base digest it was built on,
/// whether this run had to upgrade it, and how the job ended.
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
    IReadOnlyList<string> LogTail);
