using System.Text.Json.Serialization;

namespace ManagedImages.Builds;

/// <summary>
/// How a registration's next version would be made, shown before anything is built: <see cref="Kind"/>, the base tag
/// and (when resolved) the digest it is pinned to, the generated Dockerfile (null for a rebase) and why.
/// </summary>
public sealed record BuildPlan(
    [property: JsonPropertyName("kind")] BuildKind Kind,
    [property: JsonPropertyName("base")] string Base,
    [property: JsonPropertyName("baseDigest")] string? BaseDigest,
    [property: JsonPropertyName("dockerfile")] string? Dockerfile,
    [property: JsonPropertyName("reasons")] IReadOnlyList<string> Reasons);
