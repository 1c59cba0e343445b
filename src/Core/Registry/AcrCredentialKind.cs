namespace ManagedImages.Registry;

/// <summary>Which Azure.Identity credential gets the Entra ID token for ACR.</summary>
public enum AcrCredentialKind
{
    /// <summary>DefaultAzureCredential: environment, workload identity, managed identity, then developer sign-ins.</summary>
    Default,

    /// <summary>ManagedIdentityCredential only (system-assigned, or the user-assigned one named by its client id).</summary>
    ManagedIdentity,
}
