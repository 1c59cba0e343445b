using ManagedImages.Bases;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ManagedImages.IntegrationTests.Bases;

/// <summary>A base tag's latest digest on the real registry: cache on and off, overrides, and a push that refreshes the cache.</summary>
[Trait("Category", "Stack")]
public sealed class LatestBaseDigestsTests : IDisposable
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private ServiceProvider? provider;

    public void Dispose() => provider?.Dispose();

    private async Task<(LatestBaseDigests Latest, ScratchImage Scratch, ImageReference Tag)> CreateAsync(
        Dictionary<string, string?>? settings = null)
    {
        var registry = await LocalStack.RequireRegistryAsync();
        var configuration = LocalStack.Configuration(settings ?? []);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddRegistryClient(configuration);
        services.AddLatestBaseDigests(configuration);
        provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<LatestBaseDigests>(), new ScratchImage(provider.GetRequiredService<RegistryClient>()), Tag(registry));
    }

    private static ImageReference Tag(string registry) => new(registry, UniqueNames.Of("it-bases") + "/base", "1", null);

    private static async Task<Digest> PushAsync(ScratchImage scratch, ImageReference tag, string version) =>
        Digest.Parse((await BusyboxImage.PushAsync(scratch, tag, $"base {version}", CancellationToken.None)).Digest);

    private static Dictionary<string, string?> Cached() => new() { ["BaseImages:CacheDuration"] = Duration.ToString("c") };

    [Fact]
    public async Task Without_a_cache_duration_every_resolution_reads_the_tag_again()
    {
        var (latest, scratch, tag) = await CreateAsync();
        var first = await PushAsync(scratch, tag, "1");
        Assert.Equal(first, await latest.GetAsync(tag, CancellationToken.None));

        var second = await PushAsync(scratch, tag, "2");

        Assert.Equal(TimeSpan.Zero, provider!.GetRequiredService<IOptions<BaseImageOptions>>().Value.CacheDuration);
        Assert.Equal(second, await latest.GetAsync(tag, CancellationToken.None));
    }

    [Fact]
    public async Task Within_the_cache_duration_the_first_reading_is_reused_and_after_it_the_tag_is_read_again()
    {
        var (latest, scratch, tag) = await CreateAsync(Cached());
        var first = await PushAsync(scratch, tag, "1");
        Assert.Equal(first, await latest.GetAsync(tag, CancellationToken.None));
        var second = await PushAsync(scratch, tag, "2");

        time.Advance(Duration - TimeSpan.FromSeconds(1));
        Assert.Equal(first, await latest.GetAsync(tag, CancellationToken.None));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(second, await latest.GetAsync(tag, CancellationToken.None));
    }

    [Fact]
    public async Task A_checked_push_replaces_the_cached_reading_at_once()
    {
        var (latest, scratch, tag) = await CreateAsync(Cached());
        await PushAsync(scratch, tag, "1");
        await latest.GetAsync(tag, CancellationToken.None);
        var second = await PushAsync(scratch, tag, "2");

        latest.Remember(tag, (await latest.ReadRegistryAsync(tag, CancellationToken.None))!.Value);

        Assert.Equal(second, await latest.GetAsync(tag, CancellationToken.None));
    }

    [Fact]
    public async Task An_override_is_the_latest_digest_whatever_the_tag_points_to()
    {
        var registry = await LocalStack.RequireRegistryAsync();
        var overridden = Digest.Sha256("a base of another backend version"u8);
        var tag = Tag(registry);
        var (latest, scratch, _) = await CreateAsync(new()
        {
            ["BaseImages:Overrides:0:Reference"] = tag.ToString(),
            ["BaseImages:Overrides:0:Digest"] = overridden.ToString(),
        });
        var pushed = await PushAsync(scratch, tag, "1");

        Assert.Equal(overridden, await latest.GetAsync(tag, CancellationToken.None));
        Assert.Equal(pushed, await latest.ReadRegistryAsync(tag, CancellationToken.None));
        // Another tag of the same repository is not overridden.
        var other = tag.WithTag("2");
        Assert.Null(latest.OverrideOf(other));
        Assert.Null(await latest.GetAsync(other, CancellationToken.None));
    }
}
