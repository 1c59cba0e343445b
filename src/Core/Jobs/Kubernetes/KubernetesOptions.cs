namespace ManagedImages.Jobs.Kubernetes;

/// <summary>How jobs run as Kubernetes Jobs (section <c>Kubernetes</c>).</summary>
public sealed class KubernetesOptions
{
    public const string Section = "Kubernetes";

    /// <summary>
    /// How the launcher reaches the API server: <see cref="KubernetesAuthentication.InCluster"/> (the pod's service
    /// account), <see cref="KubernetesAuthentication.KubeConfig"/> (a kubeconfig file) or
    /// <see cref="KubernetesAuthentication.EntraId"/> (an AKS cluster, with the service's Azure identity).
    /// </summary>
    public KubernetesAuthentication Authentication { get; set; } = KubernetesAuthentication.KubeConfig;

    /// <summary>
    /// With <see cref="KubernetesAuthentication.EntraId"/>: the API server URL, like <c>https://x.hcp.eastus.azmk8s.io:443</c>.
    /// Set it (with <see cref="CertificateAuthorityData"/>) to skip ARM, e.g. for a private cluster; empty means ask
    /// ARM for the cluster in <see cref="AksOptions.ResourceId"/>.
    /// </summary>
    public string ApiServer { get; set; } = "";

    /// <summary>With <see cref="ApiServer"/>: the cluster CA certificate, base64 PEM as in a kubeconfig's certificate-authority-data.</summary>
    public string CertificateAuthorityData { get; set; } = "";

    /// <summary>The AKS cluster for <see cref="KubernetesAuthentication.EntraId"/> (section <c>Kubernetes:Aks</c>).</summary>
    public AksOptions Aks { get; set; } = new();

    /// <summary>The kubeconfig file; empty means <c>KUBECONFIG</c>, else <c>~/.kube/config</c>.</summary>
    public string KubeConfigPath { get; set; } = "";

    /// <summary>The kubeconfig context; empty means its current context.</summary>
    public string Context { get; set; } = "";

    /// <summary>Where jobs run; empty means the kubeconfig context's or the pod's namespace, else <c>default</c>.</summary>
    public string Namespace { get; set; } = "";

    /// <summary>What each job's container requests (the scheduler reserves it).</summary>
    public KubernetesResources Requests { get; set; } = new() { Cpu = "100m", Memory = "128Mi" };

    /// <summary>What each job's container may use at most; an empty value sets no limit.</summary>
    public KubernetesResources Limits { get; set; } = new() { Cpu = "", Memory = "512Mi" };

    /// <summary>
    /// How many times a failed pod is retried. 0 by default: a run is the user's program, which may not be safe to
    /// repeat, and its exit code is the answer.
    /// </summary>
    public int BackoffLimit { get; set; }

    /// <summary>How long a finished Job stays (for its status and log) before Kubernetes deletes it.</summary>
    public int TtlSecondsAfterFinished { get; set; } = 24 * 60 * 60;

    /// <summary>A job running longer than this is stopped and fails; null sets no deadline.</summary>
    public long? ActiveDeadlineSeconds { get; set; }

    /// <summary>The service account job pods run as; empty means the namespace's default one.</summary>
    public string ServiceAccount { get; set; } = "";

    /// <summary>
    /// Mount the service account's API token into job pods. Off by default: jobs run users' images, which have no
    /// business calling the API server.
    /// </summary>
    public bool AutomountServiceAccountToken { get; set; }

    /// <summary>Secrets of type dockerconfigjson used to pull job images (none when the kubelet identity may pull).</summary>
    public IList<string> ImagePullSecrets { get; } = [];

    /// <summary>How many of the last log lines of a finished job's pod are reported.</summary>
    public int LogTailLines { get; set; } = 20;

    /// <summary>
    /// How many times in a row the Job watch may fail (connection lost, server error) before waiting gives up;
    /// a watch the server closes normally is resumed without counting.
    /// </summary>
    public int WatchFailures { get; set; } = 5;

    /// <summary>
    /// How long a job's container may wait with a reason it cannot get past alone (<c>ImagePullBackOff</c>,
    /// <c>ErrImagePull</c>, <c>InvalidImageName</c>, <c>CreateContainerConfigError</c>, <c>CreateContainerError</c>)
    /// before waiting gives up and deletes the Job: such a pod never ends the Job. A pull can recover (a registry
    /// blip), hence the grace.
    /// </summary>
    public TimeSpan StartFailureGrace { get; set; } = TimeSpan.FromMinutes(2);
}
