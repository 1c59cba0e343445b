namespace ManagedImages.Builds;

/// <summary>Where one build attempt stands.</summary>
public enum BuildStatus
{
    Building,
    Succeeded,
    Failed,
}
