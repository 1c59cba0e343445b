using System.Text.Json.Serialization;

namespace ManagedImages.Registrations;

/// <summary>A file added or replaced in the image: UTF-8 <c>content</c> or <c>contentBase64</c>, and an octal mode.</summary>
public sealed record FileSpec
{
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("content"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Content { get; init; }

    [JsonPropertyName("contentBase64"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ContentBase64 { get; init; }

    /// <summary>Octal permission bits like "0755"; "0644" when absent.</summary>
    [JsonPropertyName("mode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Mode { get; init; }

    /// <summary>The bytes of the file (validation has checked that exactly one form is given).</summary>
    public byte[] Bytes() =>
        ContentBase64 is not null ? Convert.FromBase64String(ContentBase64) : System.Text.Encoding.UTF8.GetBytes(Content ?? "");
}
