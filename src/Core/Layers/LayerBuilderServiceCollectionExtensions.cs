using ManagedImages.Builds;
using ManagedImages.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagedImages.Layers;

public static class LayerBuilderServiceCollectionExtensions
{
    private const string RegistryVariable = "MANAGEDIMAGES_REGISTRY";

    /// <summary>
    /// Registers <see cref="LayerBuilder"/> (also as the <see cref="IImageBuilder"/> unless one is registered) and
    /// <see cref="ScratchImage"/>, with <see cref="CustomImageOptions"/> from the section "CustomImages"; an empty
    /// registry there falls back to MANAGEDIMAGES_REGISTRY. Adds the registry client unless it is registered already
    /// (so a caller can configure its pipeline first).
    /// </summary>
    public static IServiceCollection AddLayerBuilder(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(CustomImageOptions.Section);
        services.AddOptions<CustomImageOptions>()
            .Bind(section)
            .Configure(o =>
            {
                if (!string.IsNullOrEmpty(section[nameof(CustomImageOptions.Registry)])) return;
                var fallback = configuration[RegistryVariable] ?? Environment.GetEnvironmentVariable(RegistryVariable);
                if (!string.IsNullOrEmpty(fallback)) o.Registry = fallback;
            });

        if (!services.Any(s => s.ServiceType == typeof(RegistryClient))) services.AddRegistryClient(configuration);
        services.TryAddTransient<LayerBuilder>();
        services.TryAddTransient<IImageBuilder>(sp => sp.GetRequiredService<LayerBuilder>());
        services.TryAddTransient<ScratchImage>();
        return services;
    }
}
