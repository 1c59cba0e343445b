using System.Text.Json;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Local.Tests;

/// <summary>
/// A base repository of this test's own (busybox base, versions 1 and 2 under one tag) and the registration of a
/// custom image on it whose job prints a greeting, the base version and, if asked, sleeps first.
/// </summary>
public sealed class TestImages : IAsyncDisposable
{
    private readonly ServiceProvider services;

    public TestImages()
    {
        services = new ServiceCollection().AddRegistryClientOnly();
        Base = ImageReference.Parse($"{LocalStack.Registry}/test-local/{UniqueNames.Of("base")}:latest");
    }

    public ImageReference Base { get; }

    public RegistryClient Registry => services.GetRequiredService<RegistryClient>();

    public async Task<Digest> PublishBaseAsync(int version)
    {
        var pushed = await BusyboxImage.PushAsync(
            new ScratchImage(Registry), Base, version.ToString(System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
        return Digest.Parse(pushed.Digest);
    }

    /// <summary>The registration document: a script that greets <c>$WHO</c>, sleeps <c>$SLEEP</c> seconds if set, and prints the base version.</summary>
    /// <param name="baseRegistry">Another address of the registry that holds <see cref="Base"/> (a proxy in front of it), if not its own.</param>
    public string Registration(string? baseRegistry = null) => JsonSerializer.Serialize(new
    {
        @base = (baseRegistry is null ? Base : Base with { Registry = baseRegistry }).ToString(),
        files = new[]
        {
            new
            {
                path = "/app/hello.sh",
                mode = "0755",
                content = "#!/bin/sh\n" +
                    "echo \"hello from ${WHO:-nobody}\"\n" +
                    "if [ -n \"$SLEEP\" ]; then /bin/busybox sleep \"$SLEEP\"; echo \"slept $SLEEP s\"; fi\n" +
                    "echo \"base version: $(cat /etc/base-version)\"\n",
            },
        },
        entrypoint = Entrypoint,
    });

    /// <summary>The annotation the registry's manifest of <paramref name="image"/> carries under <paramref name="key"/>.</summary>
    public async Task<string?> AnnotationAsync(string image, string key)
    {
        ManifestContent manifest = await Registry.GetManifestAsync(ImageReference.Parse(image), CancellationToken.None)
            ?? throw new InvalidOperationException($"{image} is not in the registry");
        return JsonSerializer.Deserialize<ImageManifest>(manifest.Bytes)?.Annotations?.GetValueOrDefault(key);
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();

    private static readonly string[] Entrypoint = ["/bin/sh", "/app/hello.sh"];
}

internal static class RegistryServices
{
    public static ServiceProvider AddRegistryClientOnly(this IServiceCollection services)
    {
        services.AddRegistryClient(new ConfigurationBuilder().Build());
        return services.BuildServiceProvider();
    }
}
