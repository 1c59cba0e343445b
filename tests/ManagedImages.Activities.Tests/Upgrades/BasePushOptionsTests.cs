using ManagedImages.Upgrades;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ManagedImages.Activities.Tests.Upgrades;

public sealed class BasePushOptionsTests
{
    [Fact]
    public void A_push_starts_32_upgrades_at_once_by_default_and_reads_BasePush_ConcurrentStarts()
    {
        Assert.Equal(32, Options([]).ConcurrentStarts);
        Assert.Equal(5, Options(new() { ["BasePush:ConcurrentStarts"] = "5" }).ConcurrentStarts);
    }

    [Fact]
    public void Concurrent_starts_below_one_are_refused_naming_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(new() { ["BasePush:ConcurrentStarts"] = "0" }));

        Assert.Contains("BasePush:ConcurrentStarts must be 1 or more", error.Message, StringComparison.Ordinal);
    }

    private static BasePushOptions Options(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddBasePushUpgrades(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<BasePushOptions>>().Value;
    }
}
