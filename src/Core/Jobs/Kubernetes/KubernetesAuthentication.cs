namespace ManagedImages.Jobs.Kubernetes;

/// <summary>Where the Kubernetes launcher takes its API server and credentials from.</summary>
public enum KubernetesAuthentication
{
    /// <summary>A kubeconfig file (server, certificate authority, user token or client certificate).</summary>
    KubeConfig,

    /// <summary>The service account of the pod the service runs in.</summary>
    InCluster,
}
