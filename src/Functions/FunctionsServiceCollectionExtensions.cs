using ManagedImages.Api;
using ManagedImages.Builds;
using ManagedImages.Functions.Durable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagedImages.Functions;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>
    /// What the Functions app's triggers need: the shared services and API handlers, and a build completion notifier
    /// that raises events through the Durable client the build activities bind (the worker has none in DI). Jobs run
    /// on Kubernetes (AKS) unless <c>Jobs:Launcher</c> says otherwise.
    /// </summary>
    public static IServiceCollection AddManagedImagesFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddManagedImages(configuration, defaultJobLauncher: ManagedImagesServiceCollectionExtensions.KubernetesLauncher);
        services.AddManagedImagesApi();
        services.TryAddSingleton<BoundDurableClient>();
        services.Replace(ServiceDescriptor.Singleton<IBuildCompletionNotifier, BoundClientBuildNotifier>());
        return services;
    }
}
