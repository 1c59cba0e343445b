using ManagedImages.Bases;
using ManagedImages.Builders;
using ManagedImages.Builds;
using ManagedImages.Jobs;
using ManagedImages.Jobs.Kubernetes;
using ManagedImages.Layers;
using ManagedImages.Registry;
using ManagedImages.Runs;
using ManagedImages.Storage;
using ManagedImages.Upgrades;
using ManagedImages.Versions;
using ManagedImages.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagedImages;

public static class ManagedImagesServiceCollectionExtensions
{
    public const string JobLauncherKey = "Jobs:Launcher";

    public const string DockerLauncher = "Docker";

    public const string KubernetesLauncher = "Kubernetes";

    /// <summary>
    /// Everything the orchestrations and activities use: the image store, the registry client, the latest base digests
    /// (<c>BaseImages</c>), the layer builder, the
    /// job launcher chosen by <c>Jobs:Launcher</c> ("Docker" or "Kubernetes"; <paramref name="defaultJobLauncher"/> when unset),
    /// <see cref="BuildOptions"/>
    /// from "Builds", the build records, runner and completion, the ACR push notifications that complete builds too, and the
    /// base-push handler that warms recently run images (<c>BasePush</c>).
    /// The host registers the <c>DurableTaskClient</c> that completions raise their events through.
    /// </summary>
    public static IServiceCollection AddManagedImages(
        this IServiceCollection services, IConfiguration configuration, string defaultJobLauncher = DockerLauncher)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddImageStore(configuration);
        services.AddRegistryClient(configuration);
        // Runs, registrations, plans and base pushes read a base tag's latest digest through one service (BaseImages).
        services.AddLatestBaseDigests(configuration);
        services.AddLayerBuilder(configuration);
        AddJobLauncher(services, configuration, defaultJobLauncher);
        // Replaces the layer builder as the IImageBuilder: rebases still go to it, package builds to Builds:PackageBuilder.
        services.AddPackageBuilders(configuration);

        services.AddOptions<BuildOptions>()
            .Bind(configuration.GetSection(BuildOptions.Section))
            .Validate(o => o.Timeout > TimeSpan.Zero, "Builds:Timeout must be a positive duration, like 00:30:00")
            .Validate(o => o.CheckInterval > TimeSpan.Zero, "Builds:CheckInterval must be a positive duration, like 00:00:30");
        services.AddOptions<JobAwaitOptions>()
            .Bind(configuration.GetSection(JobAwaitOptions.Section))
            .Validate(o => o.AwaitSlice > TimeSpan.Zero, "Jobs:AwaitSlice must be a positive duration under the host's activity timeout, like 00:10:00");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BuildStore>();
        services.TryAddSingleton<BuildCompletion>();
        services.TryAddSingleton<InProcessBuildRunner>();
        services.TryAddSingleton<IBuildCompletionNotifier, DurableClientNotifier>();
        // The ACR push webhook completes builds too: both hosts serve it.
        services.AddAcrPushNotifications();
        // Base pushes (ACR webhook, Event Grid) warm the images run within BasePush:RecentWindow.
        services.AddBasePushUpgrades(configuration);
        // Old versions are collected after each new one (Versions:Keep) and on demand.
        services.AddVersionCollection(configuration);
        return services;
    }

    private static void AddJobLauncher(IServiceCollection services, IConfiguration configuration, string defaultJobLauncher)
    {
        var launcher = configuration[JobLauncherKey];
        if (string.IsNullOrWhiteSpace(launcher)) launcher = defaultJobLauncher;
        if (string.Equals(launcher, DockerLauncher, StringComparison.OrdinalIgnoreCase))
        {
            services.AddDockerJobLauncher(configuration);
            return;
        }

        if (string.Equals(launcher, KubernetesLauncher, StringComparison.OrdinalIgnoreCase))
        {
            services.AddKubernetesJobLauncher(configuration);
            return;
        }

        throw new InvalidOperationException(
            $"{JobLauncherKey} is '{launcher}', which is not a job launcher; use \"{DockerLauncher}\" (a Docker engine) " +
            $"or \"{KubernetesLauncher}\" (Jobs on a Kubernetes cluster, section Kubernetes)");
    }
}
