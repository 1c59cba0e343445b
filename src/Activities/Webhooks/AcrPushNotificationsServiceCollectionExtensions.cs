using ManagedImages.Builders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagedImages.Webhooks;

public static class AcrPushNotificationsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AcrPushNotifications"/> and the manifest publisher it uses. Call after
    /// <c>AddManagedImages</c>, which registers the stores, the registry client and the build completion.
    /// </summary>
    public static IServiceCollection AddAcrPushNotifications(this IServiceCollection services)
    {
        services.TryAddTransient<AnnotatedManifestPublisher>();
        services.TryAddTransient<AcrPushNotifications>();
        return services;
    }
}
