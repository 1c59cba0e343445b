using ManagedImages.Oci;

namespace ManagedImages.Builders.AcrTasks;

/// <summary>A run's platform as ACR Tasks spells it: os "Linux" or "Windows", architecture like "amd64", optional variant.</summary>
public sealed record RunPlatform(string Os, string? Architecture)
{
    public string? Variant { get; init; }

    /// <summary>From an OCI platform (<c>linux/amd64</c>, <c>linux/arm64/v8</c>).</summary>
    public static RunPlatform From(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var os = platform.Os.ToUpperInvariant() switch
        {
            "LINUX" => "Linux",
            "WINDOWS" => "Windows",
            _ => throw new FormatException($"ACR Tasks builds for linux or windows, not '{platform.Os}'; set {AcrTasksOptions.Section}:Platform like linux/amd64."),
        };
        return new RunPlatform(os, platform.Architecture) { Variant = platform.Variant };
    }
}
