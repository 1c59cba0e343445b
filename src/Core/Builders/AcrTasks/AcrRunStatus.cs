namespace ManagedImages.Builders.AcrTasks;

/// <summary>The statuses of an ACR Tasks run; the last five are final.</summary>
public static class AcrRunStatus
{
    public const string Queued = "Queued";
    public const string Started = "Started";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Canceled = "Canceled";
    public const string Error = "Error";
    public const string Timeout = "Timeout";

    public static bool IsTerminal(string? status) =>
        status is not null && (Is(status, Succeeded) || Is(status, Failed) || Is(status, Canceled) || Is(status, Error) || Is(status, Timeout));

    public static bool IsSucceeded(string? status) => status is not null && Is(status, Succeeded);

    private static bool Is(string status, string expected) => string.Equals(status, expected, StringComparison.OrdinalIgnoreCase);
}
