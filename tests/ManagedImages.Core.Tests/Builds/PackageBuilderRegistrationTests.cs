using ManagedImages.Builders;
using ManagedImages.Builds;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ManagedImages.Core.Tests.Builds;

public class PackageBuilderRegistrationTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public void The_planned_builder_is_the_image_builder_and_the_docker_engine_builds_packages_by_default()
    {
        var services = new ServiceCollection().AddLogging().AddPackageBuilders(Configuration(new() { ["Docker:Host"] = "unix:///nowhere.sock" }));
        using var provider = services.BuildServiceProvider();
        Assert.IsType<PlannedImageBuilder>(provider.GetRequiredService<IImageBuilder>());
        Assert.Contains(services, s => s.ServiceType == typeof(IPackageImageBuilder));
        Assert.Single(services, s => s.ServiceType == typeof(IImageBuilder));
    }

    [Fact]
    public void Build_options_bind_the_network_mode_the_apt_sources_and_the_pip_index()
    {
        using var provider = new ServiceCollection().AddLogging().AddPackageBuilders(Configuration(new()
        {
            ["Builds:Docker:NetworkMode"] = "none",
            ["Builds:Apt:Sources:0"] = "deb [trusted=yes] http://127.0.0.1:8080/ ./",
            ["Builds:Apt:Sources:1"] = "deb http://mirror.example/debian bookworm main",
            ["Builds:Pip:IndexUrl"] = "http://127.0.0.1:8081/simple",
        })).BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<PackageBuildOptions>>().Value;
        Assert.Equal("none", options.Docker.NetworkMode);
        Assert.Equal(["deb [trusted=yes] http://127.0.0.1:8080/ ./", "deb http://mirror.example/debian bookworm main"], options.Apt.Sources);
        Assert.Equal("http://127.0.0.1:8081/simple", options.Pip.IndexUrl);
    }

    [Fact]
    public void The_build_network_defaults_to_host_so_a_loopback_package_source_is_reachable()
    {
        Assert.Equal("host", new PackageBuildOptions().Docker.NetworkMode);
    }

    [Fact]
    public void Acr_tasks_builds_the_packages_when_chosen_and_rebases_still_go_to_the_layer_builder()
    {
        using var provider = new ServiceCollection().AddLogging().AddPackageBuilders(Configuration(new()
        {
            ["Builds:PackageBuilder"] = "AcrTasks",
            ["Builds:AcrTasks:SubscriptionId"] = "00000000-0000-0000-0000-000000000000",
            ["Builds:AcrTasks:ResourceGroup"] = "rg",
            ["Builds:AcrTasks:RegistryName"] = "myacr",
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        })).BuildServiceProvider();
        Assert.IsType<AcrTasksPackageBuilder>(provider.GetRequiredService<IPackageImageBuilder>());
        Assert.IsType<PlannedImageBuilder>(provider.GetRequiredService<IImageBuilder>());
    }

    [Fact]
    public void An_unknown_package_builder_is_refused_naming_the_setting_and_the_choices()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddPackageBuilders(Configuration(new() { ["Builds:PackageBuilder"] = "Kaniko" })));
        Assert.Contains("Builds:PackageBuilder", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"Docker\"", error.Message, StringComparison.Ordinal);
    }
}
