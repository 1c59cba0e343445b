namespace ManagedImages.Jobs.Kubernetes;

/// <summary>CPU and memory as Kubernetes quantities (<c>250m</c>, <c>1</c>; <c>256Mi</c>, <c>1Gi</c>); empty leaves one unset.</summary>
public sealed class KubernetesResources
{
    public string Cpu { get; set; } = "";

    public string Memory { get; set; } = "";
}
