using ManagedImages.Builders.AcrTasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ManagedImages.Core.Tests.AcrTasks;

public sealed class AcrTasksOptionsTests
{
    [Theory]
    [InlineData(60, 300)]
    [InlineData(1800, 1800)]
    [InlineData(100000, 28800)]
    public void The_run_timeout_sent_to_ACR_is_the_time_limit_within_the_range_ACR_accepts(int seconds, int sent) =>
        Assert.Equal(sent, new AcrTasksOptions { Timeout = TimeSpan.FromSeconds(seconds) }.RunTimeoutSeconds);

    [Theory]
    [InlineData("linux/amd64", "Linux", "amd64", null)]
    [InlineData("linux/arm64/v8", "Linux", "arm64", "v8")]
    [InlineData("windows/amd64", "Windows", "amd64", null)]
    public void The_platform_is_spelled_as_ACR_Tasks_wants_it(string platform, string os, string architecture, string? variant)
    {
        var run = RunPlatform.From(Oci.Platform.Parse(platform));

        Assert.Equal((os, architecture, variant), (run.Os, run.Architecture, run.Variant));
    }

    [Fact]
    public void Missing_registry_coordinates_are_named_when_the_options_are_read()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Builds:AcrTasks:SubscriptionId"] = "sub",
            ["Builds:AcrTasks:ResourceGroup"] = "rg",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddAcrTasksBuilder(configuration).BuildServiceProvider();

        var refusal = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AcrTasksOptions>>().Value);

        Assert.Equal(["Builds:AcrTasks:RegistryName is required: the registry's resource name, like myacr"], refusal.Failures);
    }

    [Fact]
    public void The_registry_resource_path_is_the_ARM_id_of_the_registry() =>
        Assert.Equal(
            "/subscriptions/s-1/resourceGroups/rg-1/providers/Microsoft.ContainerRegistry/registries/acr1",
            new AcrTasksOptions { SubscriptionId = "s-1", ResourceGroup = "rg-1", RegistryName = "acr1" }.RegistryResourcePath);
}
