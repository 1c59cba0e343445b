namespace ManagedImages.Jobs;

/// <summary>A job name is already used by something that is not the job of that name (no matching job label).</summary>
public sealed class JobNameTakenException : Exception
{
    public JobNameTakenException() { }

    public JobNameTakenException(string message) : base(message) { }

    public JobNameTakenException(string message, Exception innerException) : base(message, innerException) { }
}
