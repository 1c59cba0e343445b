using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagedImages.Upgrades;

public static class BasePushServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="BasePushHandler"/> and its <see cref="BackgroundUpgrades"/> with <see cref="BasePushOptions"/>
    /// from "BasePush". Call after <c>AddManagedImages</c>'s stores, registry client and build runner.
    /// </summary>
    public static IServiceCollection AddBasePushUpgrades(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BasePushOptions>()
            .Bind(configuration.GetSection(BasePushOptions.Section))
            .Validate(o => o.RecentWindow > TimeSpan.Zero, "BasePush:RecentWindow must be a positive duration, like 7.00:00:00")
            .Validate(o => o.MaxConcurrentUpgrades >= 1, "BasePush:MaxConcurrentUpgrades must be 1 or more")
            .Validate(o => o.ConcurrentStarts >= 1, "BasePush:ConcurrentStarts must be 1 or more");
        services.TryAddSingleton<BackgroundUpgrades>();
        services.TryAddTransient<BasePushHandler>();
        return services;
    }
}
