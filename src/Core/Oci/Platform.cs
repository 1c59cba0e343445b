using System.Text.Json.Serialization;

namespace ManagedImages.Oci;

/// <summary>The platform of an image in an index, like <c>linux/amd64</c>.</summary>
public sealed record Platform(
    [property: JsonPropertyName("os")] string Os,
    [property: JsonPropertyName("architecture")] string Architecture)
{
    [JsonPropertyName("variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    public static Platform Parse(string value)
    {
        var parts = value.Split('/');
        return parts.Length is 2 or 3 && parts.All(p => p.Length > 0)
            ? new Platform(parts[0], parts[1]) { Variant = parts.Length == 3 ? parts[2] : null }
            : throw new FormatException($"'{value}' is not a platform; expected os/architecture[/variant], like linux/amd64.");
    }

    public bool Matches(Platform other) =>
        Os == other.Os && Architecture == other.Architecture && (Variant is null || other.Variant is null || Variant == other.Variant);

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
