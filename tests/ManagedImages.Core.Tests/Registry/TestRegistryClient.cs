using ManagedImages.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Core.Tests.Registry;

internal static class TestRegistryClient
{
    public const string Host = "registry.example.com";

    /// <summary>A client built exactly as the hosts build it, over a scripted handler, with near-zero retry delays.</summary>
    public static RegistryClient Create(HttpMessageHandler handler, Action<RegistryOptions>? configure = null, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (time is not null) services.AddSingleton(time);
        services.AddRegistryClient(new ConfigurationBuilder().Build()).ConfigurePrimaryHttpMessageHandler(() => handler);
        services.Configure<RegistryOptions>(options =>
        {
            options.RetryDelay = TimeSpan.FromMilliseconds(1);
            configure?.Invoke(options);
        });
        return services.BuildServiceProvider().GetRequiredService<RegistryClient>();
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public override DateTimeOffset GetUtcNow() => Now;
}
