using System.Text.Json.Serialization;

namespace ManagedImages.Oci;

/// <summary>An image index (OCI, or a Docker manifest list): one manifest per platform.</summary>
public sealed record ImageIndex(
    [property: JsonPropertyName("mediaType")] string MediaType,
    [property: JsonPropertyName("manifests")] IReadOnlyList<Descriptor> Manifests)
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
