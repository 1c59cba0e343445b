namespace ManagedImages.Local.Durable;

/// <summary>Where orchestration state lives: Azure Storage (Azurite) survives a crash; memory is for tests only.</summary>
public enum DurableBackendKind
{
    AzureStorage,
    Memory,
}
