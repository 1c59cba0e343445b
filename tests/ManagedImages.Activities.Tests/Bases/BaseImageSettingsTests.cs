using ManagedImages.Bases;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ManagedImages.Activities.Tests.Bases;

/// <summary>The BaseImages section as the hosts bind it: overrides as a list, checked when the host starts.</summary>
public sealed class BaseImageSettingsTests
{
    private const string GoodDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void Overrides_bind_from_a_list_although_the_references_contain_colons()
    {
        using var services = Services(new()
        {
            ["BaseImages:CacheDuration"] = "00:00:30",
            ["BaseImages:Overrides:0:Reference"] = "127.0.0.1:5000/team/base:1",
            ["BaseImages:Overrides:0:Digest"] = GoodDigest,
        });

        services.GetRequiredService<IStartupValidator>().Validate();
        var options = services.GetRequiredService<IOptions<BaseImageOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(30), options.CacheDuration);
        var entry = Assert.Single(options.Overrides);
        Assert.Equal(("127.0.0.1:5000/team/base:1", GoodDigest), (entry.Reference, entry.Digest));
    }

    [Fact]
    public void Without_the_section_there_is_no_cache_and_no_override()
    {
        using var services = Services([]);

        services.GetRequiredService<IStartupValidator>().Validate();
        var options = services.GetRequiredService<IOptions<BaseImageOptions>>().Value;

        Assert.Equal((TimeSpan.Zero, 0), (options.CacheDuration, options.Overrides.Count));
    }

    [Fact]
    public void Malformed_overrides_stop_the_start_naming_each_key_at_fault()
    {
        using var services = Services(new()
        {
            ["BaseImages:Overrides:0:Reference"] = "127.0.0.1:5000/team/base:1",
            ["BaseImages:Overrides:0:Digest"] = "sha256:nothex",
            ["BaseImages:Overrides:1:Reference"] = "Not A Reference",
            ["BaseImages:Overrides:1:Digest"] = GoodDigest,
            ["BaseImages:Overrides:2:Reference"] = "127.0.0.1:5000/team/base@" + GoodDigest,
            ["BaseImages:Overrides:2:Digest"] = GoodDigest,
            ["BaseImages:Overrides:3:Reference"] = "127.0.0.1:5000/team/base:1",
            ["BaseImages:Overrides:3:Digest"] = GoodDigest,
            ["BaseImages:CacheDuration"] = "-00:00:01",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("BaseImages:Overrides:0:Digest 'sha256:nothex' is not a digest", error.Message, StringComparison.Ordinal);
        Assert.Contains("BaseImages:Overrides:1:Reference 'Not A Reference' is not an image reference", error.Message, StringComparison.Ordinal);
        Assert.Contains("BaseImages:Overrides:2:Reference", error.Message, StringComparison.Ordinal);
        Assert.Contains("names a digest; an override is for a tag", error.Message, StringComparison.Ordinal);
        Assert.Contains("BaseImages:Overrides:3:Reference repeats 127.0.0.1:5000/team/base:1, already overridden by BaseImages:Overrides:0", error.Message, StringComparison.Ordinal);
        Assert.Contains("BaseImages:CacheDuration is -00:00:01", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_without_a_reference_is_refused_naming_the_key()
    {
        using var services = Services(new() { ["BaseImages:Overrides:0:Digest"] = GoodDigest });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("BaseImages:Overrides:0:Reference is missing", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> values) =>
        new ServiceCollection()
            .AddManagedImages(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider();
}
