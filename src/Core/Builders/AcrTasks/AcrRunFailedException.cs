namespace ManagedImages.Builders.AcrTasks;

/// <summary>
/// An ACR Tasks run ended without an image (failed, cancelled, timed out), or was cancelled by this service when its
/// time limit passed. The message says which run and why, followed by the last lines of the run's log.
/// </summary>
public sealed class AcrRunFailedException : Exception
{
    public AcrRunFailedException() { }

    public AcrRunFailedException(string message) : base(message) { }

    public AcrRunFailedException(string message, Exception innerException) : base(message, innerException) { }

    public AcrRunFailedException(string runId, string status, string message, IReadOnlyList<string> logTail)
        : base(logTail.Count == 0 ? message : $"{message}\nLast lines of the run log:\n{string.Join('\n', logTail)}")
    {
        RunId = runId;
        Status = status;
        LogTail = logTail;
    }

    public string? RunId { get; }

    /// <summary>The run's final status (Failed, Error, Canceled, Timeout), or Canceled when this service gave up on it.</summary>
    public string? Status { get; }

    public IReadOnlyList<string> LogTail { get; } = [];
}
