using System.Text.Json.Serialization;

namespace ManagedImages.Registrations;

/// <summary>Packages to install on the base; they need a builder (a later issue), not a rebase.</summary>
public sealed record PackageSpec
{
    [JsonPropertyName("apt")]
    public IReadOnlyList<string> Apt { get; init; } = [];

    [JsonPropertyName("pip")]
    public IReadOnlyList<string> Pip { get; init; } = [];
}
