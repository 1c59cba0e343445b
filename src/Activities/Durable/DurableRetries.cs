using Microsoft.DurableTask;

namespace ManagedImages.Durable;

/// <summary>How orchestrators call activities: a few attempts with backoff, none for a <see cref="PermanentFailureException"/>.</summary>
public static class DurableRetries
{
    /// <summary>3 attempts, 1 s then 2 s apart: enough for a registry or storage hiccup, short enough to report soon.</summary>
    public static TaskOptions Activity { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2)
        {
            // By name: TaskFailureDetails.IsCausedBy resolves the type across loaded assemblies and throws when a name
            // is found twice (System.Net.Http.HttpRequestException is), which would end the call without a retry.
            HandleFailure = failure => failure.ErrorType != typeof(PermanentFailureException).FullName,
        });

    /// <summary>The message an activity failed with, without the task framing around it.</summary>
    public static string Reason(TaskFailedException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.FailureDetails.ErrorMessage;
    }
}
