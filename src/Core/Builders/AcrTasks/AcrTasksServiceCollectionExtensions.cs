using Azure.Core;
using Azure.Identity;
using ManagedImages.Layers;
using ManagedImages.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ManagedImages.Builders.AcrTasks;

public static class AcrTasksServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AcrTasksBuilder"/>, its ARM client and the <see cref="AnnotatedManifestPublisher"/>, with
    /// <see cref="AcrTasksOptions"/> from "Builds:AcrTasks" (validated when first used). ARM tokens come from the
    /// registered <see cref="TokenCredential"/>, else from <see cref="DefaultAzureCredential"/> (managed identity in Azure).
    /// Adds the layer builder's options and the registry client unless they are registered already.
    /// </summary>
    public static IServiceCollection AddAcrTasksBuilder(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AcrTasksOptions>()
            .Bind(configuration.GetSection(AcrTasksOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.SubscriptionId), $"{AcrTasksOptions.Section}:SubscriptionId is required: the subscription of the registry")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ResourceGroup), $"{AcrTasksOptions.Section}:ResourceGroup is required: the resource group of the registry")
            .Validate(o => !string.IsNullOrWhiteSpace(o.RegistryName), $"{AcrTasksOptions.Section}:RegistryName is required: the registry's resource name, like myacr")
            .Validate(o => o.ArmEndpoint.IsAbsoluteUri, $"{AcrTasksOptions.Section}:ArmEndpoint must be an absolute URL, like https://management.azure.com")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ApiVersion), $"{AcrTasksOptions.Section}:ApiVersion is required, like 2019-06-01-preview")
            .Validate(o => o.Timeout > TimeSpan.Zero, $"{AcrTasksOptions.Section}:Timeout must be a positive duration, like 00:30:00")
            .Validate(o => o.PollInterval > TimeSpan.Zero, $"{AcrTasksOptions.Section}:PollInterval must be a positive duration, like 00:00:05")
            .Validate(o => o.AgentCpu is null or > 0, $"{AcrTasksOptions.Section}:AgentCpu must be a number of cores, like 2")
            .Validate(o => IsPlatform(o.Platform), $"{AcrTasksOptions.Section}:Platform must be linux or windows with an architecture, like linux/amd64");

        if (!services.Any(s => s.ServiceType == typeof(RegistryClient))) services.AddRegistryClient(configuration);
        if (!services.Any(s => s.ServiceType == typeof(LayerBuilder))) services.AddLayerBuilder(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.AddHttpClient<AcrTasksClient>(client => client.Timeout = TimeSpan.FromMinutes(5));
        services.TryAddTransient<AnnotatedManifestPublisher>();
        services.TryAddTransient<AcrTasksBuilder>();
        return services;
    }

    private static bool IsPlatform(string value)
    {
        try
        {
            RunPlatform.From(Oci.Platform.Parse(value));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
