namespace ManagedImages.Jobs.Kubernetes;

/// <summary>Where the Kubernetes launcher takes its API server and credentials from.</summary>
public enum KubernetesAuthentication
{
    /// <summary>A kubeconfig file (server, certificate authority, user token or client certificate).</summary>
    KubeConfig,

    /// <summary>The service account of the pod the service runs in.</summary>
    InCluster,

    /// <summary>
    /// An Entra ID token for an AKS cluster with Azure RBAC (local accounts off), from the service's Azure identity;
    /// the API server and its CA come from ARM (<c>Kubernetes:Aks:ResourceId</c>) or from <c>Kubernetes:ApiServer</c>.
    /// </summary>
    EntraId,
}
