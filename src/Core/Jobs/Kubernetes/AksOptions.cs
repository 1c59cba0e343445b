namespace ManagedImages.Jobs.Kubernetes;

/// <summary>
/// An AKS cluster with Entra ID integration and Azure RBAC, reached with <see cref="KubernetesAuthentication.EntraId"/>
/// (section <c>Kubernetes:Aks</c>).
/// </summary>
public sealed class AksOptions
{
    /// <summary>
    /// The server application every AKS-managed Entra ID cluster accepts tokens for (the id kubelogin's
    /// <c>--server-id</c> takes); the same in every tenant.
    /// </summary>
    public const string DefaultServerScope = "6dae42f8-4368-4678-94ff-3960e28e3630/.default";

    /// <summary>
    /// The cluster's resource id, <c>/subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.ContainerService/managedClusters/{name}</c>;
    /// its API server URL and CA are read once at startup (listClusterUserCredential).
    /// </summary>
    public string ResourceId { get; set; } = "";

    /// <summary>Azure Resource Manager; another cloud's endpoint (or a test's) goes here.</summary>
    public Uri ArmEndpoint { get; set; } = new("https://management.azure.com");

    /// <summary>The token scope for <see cref="ArmEndpoint"/>.</summary>
    public string ArmScope { get; set; } = "https://management.azure.com/.default";

    /// <summary>A Microsoft.ContainerService api-version that has listClusterUserCredential.</summary>
    public string ApiVersion { get; set; } = "2024-05-01";

    /// <summary>The scope of the tokens sent to the API server.</summary>
    public string ServerScope { get; set; } = DefaultServerScope;

    /// <summary>True for a well-formed managed cluster resource id.</summary>
    public static bool IsClusterResourceId(string value)
    {
        var parts = value.Split('/');
        return parts.Length == 9 && parts[0].Length == 0
            && parts[1].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) && parts[2].Length > 0
            && parts[3].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase) && parts[4].Length > 0
            && parts[5].Equals("providers", StringComparison.OrdinalIgnoreCase)
            && parts[6].Equals("Microsoft.ContainerService", StringComparison.OrdinalIgnoreCase)
            && parts[7].Equals("managedClusters", StringComparison.OrdinalIgnoreCase) && parts[8].Length > 0;
    }
}
