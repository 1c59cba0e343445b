using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagedImages.Versions;

public static class VersionCollectionServiceCollectionExtensions
{
    /// <summary>Registers <see cref="VersionCollector"/> and <see cref="BackgroundCollections"/> with <see cref="VersionCollectionOptions"/> from "Versions".</summary>
    public static IServiceCollection AddVersionCollection(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<VersionCollectionOptions>()
            .Bind(configuration.GetSection(VersionCollectionOptions.Section))
            .Validate(o => o.Keep >= 1, "Versions:Keep must be 1 or more (the newest version is always kept)")
            .Validate(o => o.LeaseDuration > TimeSpan.Zero, "Versions:LeaseDuration must be a positive duration, like 1.00:00:00");
        services.TryAddSingleton<VersionCollector>();
        services.TryAddSingleton<BackgroundCollections>();
        return services;
    }
}
