using System.Text.Json.Serialization;

namespace ManagedImages.Builds;

/// <summary>How a version is made: a rebase of the customization layer (no builder) or a build from a Dockerfile.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BuildKind>))]
public enum BuildKind
{
    /// <summary>Layer-only customizations: one written layer on the base's layers, no builder involved.</summary>
    [JsonStringEnumMemberName("rebase")]
    Rebase,

    /// <summary>Package installs: a generated Dockerfile run by a package builder (Docker engine, ACR Tasks).</summary>
    [JsonStringEnumMemberName("build")]
    Build,
}
