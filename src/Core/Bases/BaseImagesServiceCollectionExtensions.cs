using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ManagedImages.Bases;

public static class BaseImagesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LatestBaseDigests"/> (one per process) with <see cref="BaseImageOptions"/> from "BaseImages",
    /// validated when the host starts: a malformed override is a startup error naming its key. Needs the registry client.
    /// </summary>
    public static IServiceCollection AddLatestBaseDigests(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BaseImageOptions>()
            .Bind(configuration.GetSection(BaseImageOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BaseImageOptions>, BaseImageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LatestBaseDigests>();
        return services;
    }
}
