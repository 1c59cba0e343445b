using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace ManagedImages.Api;

/// <summary>
/// Reads a JSON request body with <see cref="ApiJson.Options"/> and turns every way it can be wrong into a 400 that
/// names the field (a JSON path like <c>files[0].contnt</c>) or the line and byte where the JSON broke.
/// </summary>
public static partial class RequestBody
{
    /// <summary>Generous for a registration (512 KiB of files, base64 adds a third) and still bounded.</summary>
    public const long MaxBytes = 2 * 1024 * 1024;

    public static async Task<BodyRead<T>> ReadAsync<T>(HttpRequest request, bool required, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        // Buffered: a body is small, and an empty one must be told apart from one that is not JSON.
        using var buffer = await ReadBoundedAsync(request, MaxBytes, cancellationToken);
        if (buffer is null) return new(null, Problems.BodyTooLarge(MaxBytes));

        if (buffer.Length == 0 || IsWhiteSpace(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
        {
            return required
                ? new(null, Problems.Invalid("$", $"a JSON body is required: {Describe(typeof(T))}"))
                : new(null, null);
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ApiJson.Options);
            if (value is not null) return new(value, null);
            return required
                ? new(null, Problems.Invalid("$", $"the body is null; give a JSON object: {Describe(typeof(T))}"))
                : new(null, null);
        }
        catch (JsonException e)
        {
            return new(null, Explain(e, typeof(T)));
        }
    }

    /// <summary>The whole body in memory, or null when it has more than <paramref name="limit"/> bytes.</summary>
    internal static async Task<MemoryStream?> ReadBoundedAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return null;
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                await buffer.DisposeAsync();
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer;
    }

    /// <summary>The problem for a body System.Text.Json refused, phrased for the person who wrote the body.</summary>
    internal static ApiResponse Explain(JsonException error, Type root)
    {
        var path = error.Path ?? "$";
        var field = FieldOf(path);
        var message = error.Message;

        if (UnmappedProperty().Match(message) is { Success: true } unmapped)
        {
            var name = unmapped.Groups["name"].Value;
            var accepted = AcceptedFieldsAt(root, path);
            var hint = accepted is null ? "" : $"; accepted fields here: {string.Join(", ", accepted)}";
            return Problems.Invalid(field, $"'{name}' is not a field the API knows; check its spelling{hint}");
        }

        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            var names = missing.Groups["names"].Value.Split(", ").Select(n => n.Trim('\''));
            return Problems.Invalid(names.Select(n => new Registrations.ValidationError(
                field == "$" ? n : $"{field}.{n}", $"'{n}' is required")).ToList());
        }

        var position = error.LineNumber is { } line
            ? $" at line {line + 1}, byte {error.BytePositionInLine + 1}"
            : "";
        // The reader's syntax errors arrive wrapped (its exception type derives from JsonException); conversion errors do not.
        if (error.InnerException is JsonException)
        {
            var reason = TrailingPosition().Replace(message, "");
            return Problems.MalformedJson($"the body is not valid JSON{position}: {reason}", field);
        }

        return Problems.Invalid(field, $"the value has the wrong type{position}; expected {Expected(root, path)}");
    }

    /// <summary>A JSON path from System.Text.Json (<c>$.files[0].path</c>) as the field name the validator uses (<c>files[0].path</c>).</summary>
    internal static string FieldOf(string path) =>
        path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    /// <summary>The field names of the object at <paramref name="path"/>'s parent, found by walking the type metadata.</summary>
    private static List<string>? AcceptedFieldsAt(Type root, string path)
    {
        var segments = PathSegment().Matches(FieldOf(path)).Select(m => m.Value).ToList();
        if (segments.Count == 0) return null;
        var info = Walk(root, segments.Take(segments.Count - 1));
        return info?.Kind == JsonTypeInfoKind.Object ? info.Properties.Select(p => p.Name).ToList() : null;
    }

    private static string Expected(Type root, string path)
    {
        var segments = PathSegment().Matches(FieldOf(path)).Select(m => m.Value);
        var info = Walk(root, segments);
        return info is null ? "another type" : Describe(info.Type);
    }

    private static JsonTypeInfo? Walk(Type root, IEnumerable<string> segments)
    {
        JsonTypeInfo? info = ApiJson.Options.GetTypeInfo(root);
        foreach (var segment in segments)
        {
            if (info is null) return null;
            if (segment.StartsWith('['))
            {
                info = info.ElementType is { } element ? ApiJson.Options.GetTypeInfo(element) : null;
                continue;
            }
            var name = segment.TrimStart('.');
            if (info.Kind == JsonTypeInfoKind.Dictionary)
            {
                info = info.ElementType is { } value ? ApiJson.Options.GetTypeInfo(value) : null;
                continue;
            }
            var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            info = property is null ? null : ApiJson.Options.GetTypeInfo(property.PropertyType);
        }
        return info;
    }

    private static string Describe(Type type)
    {
        var info = ApiJson.Options.GetTypeInfo(type);
        if (type == typeof(string)) return "a string";
        if (type == typeof(int) || type == typeof(long) || type == typeof(int?) || type == typeof(long?)) return "a number";
        if (type == typeof(bool)) return "true or false";
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "a JSON array",
            JsonTypeInfoKind.Dictionary => "a JSON object of names to values",
            JsonTypeInfoKind.Object => $"a JSON object with the fields {string.Join(", ", info.Properties.Select(p => p.Name))}",
            _ => "another type",
        };
    }

    private static bool IsWhiteSpace(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        }
        return true;
    }

    [GeneratedRegex("^The JSON property '(?<name>.*)' could not be mapped")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex("missing required properties including: (?<names>.*)\\.$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(" ?(Path: .*)?\\| LineNumber: .*$")]
    private static partial Regex TrailingPosition();

    [GeneratedRegex(@"\[[^\]]*\]|\.?[^.\[]+")]
    private static partial Regex PathSegment();
}
