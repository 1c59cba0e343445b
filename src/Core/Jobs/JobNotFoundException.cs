namespace ManagedImages.Jobs;

/// <summary>No job of that name exists: it was never launched, or it has been removed.</summary>
public sealed class JobNotFoundException : Exception
{
    public JobNotFoundException() { }

    public JobNotFoundException(string message) : base(message) { }

    public JobNotFoundException(string message, Exception innerException) : base(message, innerException) { }
}
