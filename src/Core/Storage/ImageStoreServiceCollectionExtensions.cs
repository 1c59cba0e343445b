using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagedImages.Storage;

public static class ImageStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ImageStore"/> (one per process) with <see cref="StorageOptions"/> from the "Storage" section;
    /// an empty connection string falls back to MANAGEDIMAGES_STORAGE.
    /// </summary>
    public static IServiceCollection AddImageStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section));
        services.TryAddSingleton<ImageStore>();
        return services;
    }
}
