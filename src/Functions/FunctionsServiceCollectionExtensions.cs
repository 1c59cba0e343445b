using ManagedImages.Api;
using ManagedImages.Api.Access;
using ManagedImages.Builds;
using ManagedImages.Functions.Access;
using ManagedImages.Functions.Durable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagedImages.Functions;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>
    /// What the Functions app's triggers need: the shared services and API handlers, and a build completion notifier
    /// that raises events through the Durable client the build activities bind (the worker has none in DI), and the
    /// caller checks every handler runs. Jobs run on Kubernetes (AKS) unless <c>Jobs:Launcher</c> says otherwise.
    /// </summary>
    public static IServiceCollection AddManagedImagesFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddManagedImages(configuration, defaultJobLauncher: ManagedImagesServiceCollectionExtensions.KubernetesLauncher);
        services.AddManagedImagesApi();
        services.AddAppServiceAccess(configuration);
        services.TryAddSingleton<BoundDurableClient>();
        services.Replace(ServiceDescriptor.Singleton<IBuildCompletionNotifier, BoundClientBuildNotifier>());
        return services;
    }

    /// <summary>Callers from App Service authentication's principal (Entra ID app roles), webhooks by their secrets.</summary>
    public static IServiceCollection AddAppServiceAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AppRoleOptions>().Bind(configuration.GetSection(AppRoleOptions.Section));
        services.TryAddSingleton(configuration);
        return services.AddApiAccess<AppServicePrincipalAuthenticator>(configuration);
    }
}
