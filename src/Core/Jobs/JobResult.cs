namespace ManagedImages.Jobs;

/// <summary>How a job ended: its exit code and the last lines of its log.</summary>
public sealed record JobResult(string JobName, int ExitCode, IReadOnlyList<string> LogTail);
