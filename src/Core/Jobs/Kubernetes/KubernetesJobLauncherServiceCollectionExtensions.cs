using Azure.Core;
using k8s;
using k8s.Exceptions;
using ManagedImages.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ManagedImages.Jobs.Kubernetes;

public static class KubernetesJobLauncherServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KubernetesJobLauncher"/> as the <see cref="IJobLauncher"/>, with one
    /// <see cref="IKubernetes"/> client for the process, authenticated in-cluster, from a kubeconfig file or with an
    /// Entra ID token for AKS as section <c>Kubernetes</c> says. Entra ID tokens come from the identity the ACR sign-in
    /// uses (<c>Registry:Acr:Credential</c>, keyed <see cref="AcrCredentialSource.TokenCredentialKey"/>).
    /// </summary>
    public static IServiceCollection AddKubernetesJobLauncher(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<KubernetesOptions>()
            .Bind(configuration.GetSection(KubernetesOptions.Section))
            .Validate(o => Enum.IsDefined(o.Authentication), "Kubernetes:Authentication must be KubeConfig, InCluster or EntraId")
            .Validate(o => o.Authentication != KubernetesAuthentication.EntraId || !string.IsNullOrWhiteSpace(o.ApiServer)
                    || AksOptions.IsClusterResourceId(o.Aks.ResourceId),
                "Kubernetes:Aks:ResourceId must be the cluster's resource id (/subscriptions/{id}/resourceGroups/{group}/providers/" +
                "Microsoft.ContainerService/managedClusters/{name}) when Kubernetes:Authentication is EntraId, unless Kubernetes:ApiServer is set")
            .Validate(o => string.IsNullOrWhiteSpace(o.ApiServer) || Uri.TryCreate(o.ApiServer, UriKind.Absolute, out _),
                "Kubernetes:ApiServer must be an absolute URL, like https://mycluster.hcp.eastus.azmk8s.io:443")
            .Validate(o => o.Aks.ArmEndpoint.IsAbsoluteUri, "Kubernetes:Aks:ArmEndpoint must be an absolute URL, like https://management.azure.com")
            .Validate(o => string.IsNullOrWhiteSpace(o.Namespace) || KubernetesNames.IsValidJobName(o.Namespace, out _),
                "Kubernetes:Namespace must be a namespace name (lowercase letters, digits and '-'), or empty for the default")
            .Validate(o => Quantities(o).All(q => string.IsNullOrWhiteSpace(q) || KubernetesJobFactory.IsQuantity(q)),
                "Kubernetes:Requests and Kubernetes:Limits take quantities like Cpu=250m or 1 and Memory=256Mi or 1Gi")
            .Validate(o => o.BackoffLimit >= 0, "Kubernetes:BackoffLimit must be 0 or more")
            .Validate(o => o.TtlSecondsAfterFinished >= 0, "Kubernetes:TtlSecondsAfterFinished must be 0 or more")
            .Validate(o => o.ActiveDeadlineSeconds is null or > 0, "Kubernetes:ActiveDeadlineSeconds must be positive, or unset")
            .Validate(o => o.LogTailLines >= 0, "Kubernetes:LogTailLines must be 0 or more")
            .Validate(o => o.WatchFailures >= 0, "Kubernetes:WatchFailures must be 0 or more")
            .Validate(o => o.StartFailureGrace >= TimeSpan.Zero, "Kubernetes:StartFailureGrace must be a duration of 0 or more, like 00:02:00");

        services.TryAddSingleton(TimeProvider.System);
        // The service has one Azure identity: AKS gets it as ACR does (the registry may have registered it already).
        services.TryAddKeyedSingleton<TokenCredential>(AcrCredentialSource.TokenCredentialKey, (_, _) =>
            AcrCredentialSource.CreateIdentity(configuration.GetSection("Registry:Acr").Get<AcrOptions>() ?? new AcrOptions()));
        services.AddHttpClient(AksClusterEndpoint.HttpClientName).AddStandardResilienceHandler();
        services.TryAddSingleton(ClientConfiguration);
        services.TryAddSingleton<IKubernetes>(sp => new k8s.Kubernetes(sp.GetRequiredService<KubernetesClientConfiguration>()));
        services.TryAddSingleton<KubernetesJobLauncher>();
        services.TryAddSingleton<IJobLauncher>(sp => sp.GetRequiredService<KubernetesJobLauncher>());
        return services;
    }

    private static KubernetesClientConfiguration ClientConfiguration(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<KubernetesOptions>>().Value;
        if (options.Authentication == KubernetesAuthentication.EntraId) return EntraIdConfiguration(services, options);
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

    private static KubernetesClientConfiguration EntraIdConfiguration(IServiceProvider services, KubernetesOptions options)
    {
        var identity = services.GetRequiredKeyedService<TokenCredential>(AcrCredentialSource.TokenCredentialKey);
        // Read once, when the launcher is first needed (a DI factory cannot await; no synchronization context here).
        var configuration = string.IsNullOrWhiteSpace(options.ApiServer)
            ? AksClusterEndpoint.FromArmAsync(
                services.GetRequiredService<IHttpClientFactory>().CreateClient(AksClusterEndpoint.HttpClientName),
                identity, options.Aks, CancellationToken.None).GetAwaiter().GetResult()
            : AksClusterEndpoint.FromServer(options.ApiServer, options.CertificateAuthorityData);
        configuration.TokenProvider = new EntraIdTokenProvider(identity, options.Aks.ServerScope, services.GetRequiredService<TimeProvider>());
        return configuration;
    }

    private static IEnumerable<string> Quantities(KubernetesOptions o) =>
        [o.Requests.Cpu, o.Requests.Memory, o.Limits.Cpu, o.Limits.Memory];
}
