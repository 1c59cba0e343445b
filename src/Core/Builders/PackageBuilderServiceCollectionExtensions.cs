using Docker.DotNet;
using ManagedImages.Builders.AcrTasks;
using ManagedImages.Builds;
using ManagedImages.Jobs;
using ManagedImages.Layers;
using ManagedImages.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagedImages.Builders;

public static class PackageBuilderServiceCollectionExtensions
{
    public const string DockerBuilder = "Docker";
    public const string AcrTasksBuilderName = "AcrTasks";

    /// <summary>
    /// Makes <see cref="PlannedImageBuilder"/> the <see cref="IImageBuilder"/>: rebases through the layer builder,
    /// package registrations through the builder named by Builds:PackageBuilder ("Docker", the default: the engine of
    /// section "Docker", sharing the job launcher's client; or "AcrTasks", section "Builds:AcrTasks"). Also registers the <see cref="BuildPlanner"/> and the
    /// <see cref="BuildRecordingStore"/> (package versions and build logs), with <see cref="PackageBuildOptions"/>
    /// from "Builds". Adds the layer builder, image store and Docker client unless they are registered already.
    /// </summary>
    public static IServiceCollection AddPackageBuilders(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new PackageBuildOptions();
        configuration.GetSection(PackageBuildOptions.Section).Bind(options);
        services.AddOptions<PackageBuildOptions>()
            .Bind(configuration.GetSection(PackageBuildOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Docker.NetworkMode), "Builds:Docker:NetworkMode must name a network mode, like host, none or bridge");

        if (!services.Any(s => s.ServiceType == typeof(LayerBuilder))) services.AddLayerBuilder(configuration);
        if (!services.Any(s => s.ServiceType == typeof(ImageStore))) services.AddImageStore(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BuildRecordingStore>();
        services.TryAddSingleton<BuildPlanner>();
        services.TryAddTransient<AnnotatedManifestPublisher>();
        services.TryAddTransient<PackageLockReader>();

        if (string.IsNullOrWhiteSpace(options.PackageBuilder) || string.Equals(options.PackageBuilder, DockerBuilder, StringComparison.OrdinalIgnoreCase))
        {
            if (!services.Any(s => s.ServiceType == typeof(IDockerClient))) services.AddDockerJobLauncher(configuration);
            services.TryAddTransient<DockerEngineBuilder>();
            services.TryAddTransient<IPackageImageBuilder>(sp => sp.GetRequiredService<DockerEngineBuilder>());
        }
        else if (string.Equals(options.PackageBuilder, AcrTasksBuilderName, StringComparison.OrdinalIgnoreCase))
        {
            services.AddAcrTasksBuilder(configuration);
            services.TryAddTransient<IPackageImageBuilder, AcrTasksPackageBuilder>();
        }
        else
        {
            throw new InvalidOperationException(
                $"Builds:PackageBuilder is '{options.PackageBuilder}', which is not a package builder; use \"{DockerBuilder}\" (the local engine) or \"{AcrTasksBuilderName}\"");
        }

        // Resolved only when a plan says build: a rebase never creates the package builder (nor its engine client).
        services.TryAddTransient(sp => new Lazy<IPackageImageBuilder>(sp.GetRequiredService<IPackageImageBuilder>));
        services.TryAddTransient<PlannedImageBuilder>();
        services.Replace(ServiceDescriptor.Transient<IImageBuilder>(sp => sp.GetRequiredService<PlannedImageBuilder>()));
        return services;
    }
}
