using ManagedImages.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ManagedImages.Core.Tests.Jobs;

public sealed class DockerOptionsTests
{
    [Fact]
    public void Concurrent_starts_default_to_a_small_bound()
    {
        Assert.Equal(8, Options(new Dictionary<string, string?>()).MaxConcurrentStarts);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void Fewer_than_one_concurrent_start_is_refused_with_the_setting_named(string value)
    {
        var error = Assert.Throws<OptionsValidationException>(
            () => Options(new Dictionary<string, string?> { ["Docker:MaxConcurrentStarts"] = value }));

        Assert.Contains("Docker:MaxConcurrentStarts must be 1 or more", error.Message, StringComparison.Ordinal);
    }

    private static DockerOptions Options(Dictionary<string, string?> settings)
    {
        settings["Docker:Host"] = "unix:///var/run/docker.sock";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddDockerJobLauncher(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<DockerOptions>>().Value;
    }
}
