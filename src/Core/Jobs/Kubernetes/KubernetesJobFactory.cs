using k8s.Models;
using ManagedImages.Oci;

namespace ManagedImages.Jobs.Kubernetes;

/// <summary>
/// Makes the <c>batch/v1</c> Job for a <see cref="JobRequest"/>: named after the request, one container running the
/// digest-pinned image with the run's args and env, resources from <see cref="KubernetesOptions"/> overridden by the
/// run's, lifetimes from <see cref="KubernetesOptions"/>, the recommended <c>app.kubernetes.io/*</c> labels, and the request's labels as annotations (and as labels too where the
/// value fits a label: digests do not, so they are annotations only).
/// </summary>
public static class KubernetesJobFactory
{
    /// <summary>The name of the job's one container (the pod log is read from it).</summary>
    public const string ContainerName = "job";

    public const string PartOf = "managed-images";

    public static V1Job Create(JobRequest request, KubernetesOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        Validate(request);

        var labels = Labels(request);
        var annotations = new Dictionary<string, string>(request.Labels) { [JobLabels.Job] = request.JobName };
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = request.JobName, Labels = labels, Annotations = annotations },
            Spec = new V1JobSpec
            {
                BackoffLimit = options.BackoffLimit,
                TtlSecondsAfterFinished = options.TtlSecondsAfterFinished,
                ActiveDeadlineSeconds = options.ActiveDeadlineSeconds,
                Template = new V1PodTemplateSpec
                {
                    // Pods carry the same labels, so they are found by nickname or run like their Job.
                    Metadata = new V1ObjectMeta
                    {
                        Labels = new Dictionary<string, string>(labels),
                        Annotations = new Dictionary<string, string>(annotations),
                    },
                    Spec = new V1PodSpec
                    {
                        // The Job's backoffLimit decides retries (a new pod each), not the kubelet.
                        RestartPolicy = "Never",
                        ServiceAccountName = string.IsNullOrWhiteSpace(options.ServiceAccount) ? null : options.ServiceAccount,
                        AutomountServiceAccountToken = options.AutomountServiceAccountToken,
                        ImagePullSecrets = options.ImagePullSecrets.Count == 0
                            ? null
                            : [.. options.ImagePullSecrets.Select(s => new V1LocalObjectReference { Name = s })],
                        Containers =
                        [
                            new V1Container
                            {
                                Name = ContainerName,
                                Image = request.Image,
                                // Like `docker run image args...`: args replace the image's CMD and go to its
                                // ENTRYPOINT; none keep the CMD.
                                Args = request.Args.Count > 0 ? [.. request.Args] : null,
                                Env = request.Env.Count > 0
                                    ? [.. request.Env.Select(e => new V1EnvVar { Name = e.Key, Value = e.Value })]
                                    : null,
                                Resources = Resources(options, request.Resources),
                            },
                        ],
                    },
                },
            },
        };
    }

    /// <summary>The labels the launcher puts on a Job of <paramref name="request"/> (and on its pods).</summary>
    public static Dictionary<string, string> Labels(JobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var labels = new Dictionary<string, string>();
        foreach (var (key, value) in request.Labels)
        {
            if (KubernetesNames.IsValidLabelValue(value)) labels[key] = value;
        }

        labels[JobLabels.Job] = request.JobName;

        // The recommended labels: the application is the registered image, this job one instance of it.
        var nickname = request.Labels.GetValueOrDefault(JobLabels.Nickname);
        labels["app.kubernetes.io/name"] = nickname is not null && KubernetesNames.IsValidLabelValue(nickname) && nickname.Length > 0
            ? nickname
            : "managed-image";
        labels["app.kubernetes.io/instance"] = request.JobName;
        if (request.Labels.GetValueOrDefault(JobLabels.Version) is { } version && KubernetesNames.IsValidLabelValue("v" + version))
        {
            labels["app.kubernetes.io/version"] = "v" + version;
        }

        labels["app.kubernetes.io/component"] = "run";
        labels["app.kubernetes.io/part-of"] = PartOf;
        labels["app.kubernetes.io/managed-by"] = PartOf;
        return labels;
    }

    private static void Validate(JobRequest request)
    {
        if (!KubernetesNames.IsValidJobName(request.JobName, out var error))
        {
            throw new ArgumentException($"JobName: {error}", nameof(request));
        }

        if (!ImageReference.TryParse(request.Image, out var image, out error))
        {
            throw new ArgumentException($"Image: {error}", nameof(request));
        }

        if (image.Digest is null)
        {
            throw new ArgumentException(
                $"Image: '{request.Image}' is not pinned by digest; a Kubernetes job runs an image as name@sha256:<digest>, " +
                "so every retry and every node runs the same one", nameof(request));
        }

        foreach (var name in request.Env.Keys)
        {
            // The API server's rule since Kubernetes 1.30: printable ASCII without '='.
            if (name.Length == 0 || name.Any(c => c is < ' ' or > '~' or '='))
            {
                throw new ArgumentException(
                    $"Env: '{name}' is not an environment variable name for Kubernetes; use printable ASCII characters " +
                    "without '='", nameof(request));
            }
        }

        foreach (var key in request.Labels.Keys)
        {
            if (!KubernetesNames.IsValidKey(key) || key.StartsWith("app.kubernetes.io/", StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Labels: '{key}' is not a key the launcher can use; use an optional DNS prefix and '/', then up to 63 " +
                    "letters, digits, '-', '_' or '.' (app.kubernetes.io/ keys are the launcher's own)", nameof(request));
            }
        }

        if (request.Labels.TryGetValue(JobLabels.Job, out var jobLabel) && jobLabel != request.JobName)
        {
            throw new ArgumentException(
                $"Labels[{JobLabels.Job}]: '{jobLabel}' differs from the job name '{request.JobName}'; the launcher sets " +
                "this label itself, leave it out", nameof(request));
        }
    }

    /// <summary>The configured requests and limits, each value the run gives replacing the configured one.</summary>
    private static V1ResourceRequirements Resources(KubernetesOptions options, JobResources? run)
    {
        static Dictionary<string, string> Merge(KubernetesResources configured, IReadOnlyDictionary<string, string>? asked)
        {
            var quantities = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!string.IsNullOrWhiteSpace(configured.Cpu)) quantities[JobResources.Cpu] = configured.Cpu;
            if (!string.IsNullOrWhiteSpace(configured.Memory)) quantities[JobResources.Memory] = configured.Memory;
            foreach (var (name, value) in asked ?? new Dictionary<string, string>()) quantities[name] = value;
            return quantities;
        }

        var requests = Merge(options.Requests, run?.Requests);
        var limits = Merge(options.Limits, run?.Limits);
        foreach (var (name, request) in requests)
        {
            // The API server refuses such a Job; say which setting to change instead.
            if (limits.TryGetValue(name, out var limit) && JobResourcesValidator.Value(request) > JobResourcesValidator.Value(limit))
            {
                throw new ArgumentException(
                    $"Resources: the {name} request '{request}' is more than the {name} limit '{limit}' (from " +
                    $"{(run?.Limits.ContainsKey(name) == true ? "the run" : $"{KubernetesOptions.Section}:Limits")}); ask for a " +
                    $"{name} limit at least as large with the run, or lower the request", nameof(run));
            }
        }

        static Dictionary<string, ResourceQuantity>? Of(Dictionary<string, string> quantities) =>
            quantities.Count == 0 ? null : quantities.ToDictionary(q => q.Key, q => new ResourceQuantity(q.Value));

        return new V1ResourceRequirements { Requests = Of(requests), Limits = Of(limits) };
    }

    /// <summary>Whether <paramref name="value"/> is a Kubernetes quantity (<c>500m</c>, <c>2</c>, <c>1Gi</c>, <c>1e3</c>).</summary>
    public static bool IsQuantity(string value)
    {
        try
        {
            _ = new ResourceQuantity(value).ToString();
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return false;
        }
    }
}
