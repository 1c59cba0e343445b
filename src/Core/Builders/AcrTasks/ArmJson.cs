using System.Text.Json;
using System.Text.Json.Serialization;

namespace ManagedImages.Builders.AcrTasks;

/// <summary>ARM bodies are camelCase JSON; optional request fields are left out rather than sent as null.</summary>
internal static class ArmJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
