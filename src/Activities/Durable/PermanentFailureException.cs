namespace ManagedImages.Durable;

/// <summary>
/// A failure that trying again will not fix (no such nickname, no such base image, a build that failed). Activities
/// throw it so <see cref="DurableRetries"/> does not retry; orchestrators throw it so the orchestration ends Failed with
/// just this message as its reason.
/// </summary>
public sealed class PermanentFailureException : Exception
{
    public PermanentFailureException()
    {
    }

    public PermanentFailureException(string message)
        : base(message)
    {
    }

    public PermanentFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
