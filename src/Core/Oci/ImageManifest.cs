using System.Text.Json.Serialization;

namespace ManagedImages.Oci;

/// <summary>An image manifest (OCI, or Docker schema 2 which has the same shape).</summary>
public sealed record ImageManifest(
    [property: JsonPropertyName("mediaType")] string MediaType,
    [property: JsonPropertyName("config")] Descriptor Config,
    [property: JsonPropertyName("layers")] IReadOnlyList<Descriptor> Layers)
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
