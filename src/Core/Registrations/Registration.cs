using System.Text.Json.Serialization;

namespace ManagedImages.Registrations;

/// <summary>
/// What a user registers under a nickname: the base image reference (a tag: its newest digest is what runs track)
/// and the customizations applied on top of it.
/// </summary>
public sealed record Registration
{
    [JsonPropertyName("base")]
    public required string Base { get; init; }

    [JsonPropertyName("files")]
    public IReadOnlyList<FileSpec> Files { get; init; } = [];

    [JsonPropertyName("remove")]
    public IReadOnlyList<string> Remove { get; init; } = [];

    [JsonPropertyName("env")]
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    [JsonPropertyName("entrypoint")]
    public IReadOnlyList<string>? Entrypoint { get; init; }

    [JsonPropertyName("cmd")]
    public IReadOnlyList<string>? Cmd { get; init; }

    [JsonPropertyName("workdir")]
    public string? Workdir { get; init; }

    [JsonPropertyName("labels")]
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    [JsonPropertyName("packages")]
    public PackageSpec? Packages { get; init; }

    /// <summary>True when the registration installs packages, which needs a real build rather than a rebase.</summary>
    [JsonIgnore]
    public bool InstallsPackages => Packages is { } p && (p.Apt.Count > 0 || p.Pip.Count > 0);
}
