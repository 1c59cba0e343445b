using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagedImages.Api.Access;

public static class ApiAccessServiceCollectionExtensions
{
    /// <summary>The role and webhook checks with the host's way of identifying callers.</summary>
    public static IServiceCollection AddApiAccess<TAuthenticator>(this IServiceCollection services, IConfiguration configuration)
        where TAuthenticator : class, ICallerAuthenticator
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section));
        services.TryAddSingleton<ICallerAuthenticator, TAuthenticator>();
        services.TryAddSingleton<ApiAccess>();
        return services;
    }
}
