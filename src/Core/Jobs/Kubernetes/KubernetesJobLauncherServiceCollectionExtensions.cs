using k8s;
using k8s.Exceptions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ManagedImages.Jobs.Kubernetes;

public static class KubernetesJobLauncherServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KubernetesJobLauncher"/> as the <see cref="IJobLauncher"/>, with one
    /// <see cref="IKubernetes"/> client for the process, authenticated in-cluster or from a kubeconfig file as
    /// section <c>Kubernetes</c> says.
    /// </summary>
    public static IServiceCollection AddKubernetesJobLauncher(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<KubernetesOptions>()
            .Bind(configuration.GetSection(KubernetesOptions.Section))
            .Validate(o => Enum.IsDefined(o.Authentication), "Kubernetes:Authentication must be KubeConfig or InCluster")
            .Validate(o => string.IsNullOrWhiteSpace(o.Namespace) || KubernetesNames.IsValidJobName(o.Namespace, out _),
                "Kubernetes:Namespace must be a namespace name (lowercase letters, digits and '-'), or empty for the default")
            .Validate(o => Quantities(o).All(q => string.IsNullOrWhiteSpace(q) || KubernetesJobFactory.IsQuantity(q)),
                "Kubernetes:Requests and Kubernetes:Limits take quantities like Cpu=250m or 1 and Memory=256Mi or 1Gi")
            .Validate(o => o.BackoffLimit >= 0, "Kubernetes:BackoffLimit must be 0 or more")
            .Validate(o => o.TtlSecondsAfterFinished >= 0, "Kubernetes:TtlSecondsAfterFinished must be 0 or more")
            .Validate(o => o.ActiveDeadlineSeconds is null or > 0, "Kubernetes:ActiveDeadlineSeconds must be positive, or unset")
            .Validate(o => o.LogTailLines >= 0, "Kubernetes:LogTailLines must be 0 or more")
            .Validate(o => o.WatchFailures >= 0, "Kubernetes:WatchFailures must be 0 or more");

        services.TryAddSingleton(sp => ClientConfiguration(sp.GetRequiredService<IOptions<KubernetesOptions>>().Value));
        services.TryAddSingleton<IKubernetes>(sp => new k8s.Kubernetes(sp.GetRequiredService<KubernetesClientConfiguration>()));
        services.TryAddSingleton<KubernetesJobLauncher>();
        services.TryAddSingleton<IJobLauncher>(sp => sp.GetRequiredService<KubernetesJobLauncher>());
        return services;
    }

    private static KubernetesClientConfiguration ClientConfiguration(KubernetesOptions options)
    {
        if (options.Authentication == KubernetesAuthentication.InCluster)
        {
            if (!KubernetesClientConfiguration.IsInCluster())
            {
                throw new InvalidOperationException(
                    "Kubernetes:Authentication is InCluster, but this process does not run in a Kubernetes pod (no " +
                    "KUBERNETES_SERVICE_HOST or service account token); use KubeConfig with Kubernetes:KubeConfigPath");
            }

            return KubernetesClientConfiguration.InClusterConfig();
        }

        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(
                kubeconfigPath: string.IsNullOrWhiteSpace(options.KubeConfigPath) ? null : options.KubeConfigPath,
                currentContext: string.IsNullOrWhiteSpace(options.Context) ? null : options.Context);
        }
        catch (Exception e) when (e is KubeConfigException or IOException)
        {
            var path = string.IsNullOrWhiteSpace(options.KubeConfigPath) ? "KUBECONFIG or ~/.kube/config" : options.KubeConfigPath;
            throw new InvalidOperationException(
                $"Kubernetes:KubeConfigPath: could not read a kubeconfig from {path}" +
                (string.IsNullOrWhiteSpace(options.Context) ? "" : $" with context '{options.Context}'") +
                $": {e.Message}. Point Kubernetes:KubeConfigPath at a kubeconfig file, or set Kubernetes:Authentication " +
                "to InCluster when the service runs in a pod.", e);
        }
    }

    private static IEnumerable<string> Quantities(KubernetesOptions o) =>
        [o.Requests.Cpu, o.Requests.Memory, o.Limits.Cpu, o.Limits.Memory];
}
