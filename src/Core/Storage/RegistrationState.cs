namespace ManagedImages.Storage;

/// <summary>Where a registration stands: its first version building, ready to run, or its first build failed.</summary>
public enum RegistrationState
{
    Pending,
    Ready,
    Failed,
}
