using ManagedImages.Builds;
using ManagedImages.Layers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ManagedImages.Core.Tests.Layers;

public class LayerBuilderRegistrationTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddLogging()
            .AddLayerBuilder(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    [Fact]
    public void The_layer_builder_is_the_image_builder_with_its_options_from_the_custom_images_section()
    {
        using var services = Services(new() { ["CustomImages:Registry"] = "myacr.azurecr.io", ["CustomImages:Platform"] = "linux/arm64" });

        Assert.IsType<LayerBuilder>(services.GetRequiredService<IImageBuilder>());
        Assert.NotNull(services.GetRequiredService<ScratchImage>());
        var options = services.GetRequiredService<IOptions<CustomImageOptions>>().Value;
        Assert.Equal("myacr.azurecr.io", options.Registry);
        Assert.Equal("linux/arm64", options.Platform);
    }

    [Fact]
    public void An_empty_registry_setting_falls_back_to_MANAGEDIMAGES_REGISTRY()
    {
        using var services = Services(new() { ["MANAGEDIMAGES_REGISTRY"] = "127.0.0.1:5999" });

        Assert.Equal("127.0.0.1:5999", services.GetRequiredService<IOptions<CustomImageOptions>>().Value.Registry);
    }
}
