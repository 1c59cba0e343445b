using Docker.DotNet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ManagedImages.Jobs;

public static class DockerJobLauncherServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DockerJobLauncher"/> as the <see cref="IJobLauncher"/>, with one <see cref="IDockerClient"/>
    /// for the process (disposed with the service provider). Reads section <c>Docker</c>; an empty <c>Host</c> falls
    /// back to <c>DOCKER_HOST</c>, then to <see cref="DockerOptions.DefaultHost"/>.
    /// </summary>
    public static IServiceCollection AddDockerJobLauncher(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<DockerOptions>()
            .Bind(configuration.GetSection(DockerOptions.Section))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.Host))
                {
                    o.Host = FirstNonEmpty(configuration["DOCKER_HOST"], Environment.GetEnvironmentVariable("DOCKER_HOST"))
                             ?? DockerOptions.DefaultHost;
                }
            })
            .Validate(o => IsEngineEndpoint(o.Host),
                "Docker:Host must be an engine endpoint like unix:///var/run/docker.sock or tcp://127.0.0.1:2375")
            .Validate(o => !string.IsNullOrWhiteSpace(o.NetworkMode),
                "Docker:NetworkMode must name a network mode, like none, host or bridge")
            .Validate(o => o.LogTailLines >= 0, "Docker:LogTailLines must be 0 or more")
            .Validate(o => o.MaxConcurrentStarts >= 1, "Docker:MaxConcurrentStarts must be 1 or more");

        services.TryAddSingleton<IDockerClient>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DockerOptions>>().Value;
            // The client owns its configuration and disposes it with itself.
            return new DockerClientConfiguration(new Uri(options.Host)).CreateClient();
        });
        services.TryAddSingleton<DockerJobLauncher>();
        services.TryAddSingleton<IJobLauncher>(sp => sp.GetRequiredService<DockerJobLauncher>());
        return services;
    }

    private static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static bool IsEngineEndpoint(string host) =>
        Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme is "unix" or "npipe" or "tcp" or "http" or "https";
}
