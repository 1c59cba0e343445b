using System.Text.Json;
using System.Text.Json.Serialization;

namespace ManagedImages.Api;

/// <summary>
/// The JSON settings of the HTTP API, in one place for both hosts: web defaults (camelCase), enums by name, and request
/// bodies with a field the API does not know are refused, so a misspelt field is an error rather than silently ignored.
/// </summary>
public static class ApiJson
{
    public const string ContentType = "application/json; charset=utf-8";

    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
