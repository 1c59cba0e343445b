namespace ManagedImages.Builders.AcrTasks;

/// <summary>The status resource an <c>Azure-AsyncOperation</c> header points to.</summary>
internal sealed record ArmAsyncOperation(string? Id, string? Status, ArmError? Error, AcrRunProperties? Properties)
{
    public bool IsTerminal => Status is { } s &&
        (s.Equals("Succeeded", StringComparison.OrdinalIgnoreCase) || s.Equals("Failed", StringComparison.OrdinalIgnoreCase) ||
         s.Equals("Canceled", StringComparison.OrdinalIgnoreCase));

    public bool IsSucceeded => string.Equals(Status, "Succeeded", StringComparison.OrdinalIgnoreCase);
}
