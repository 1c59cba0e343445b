using System.Security.Cryptography;
using System.Text.Json;
using ManagedImages.Oci;

namespace ManagedImages.Registrations;

/// <summary>
/// A digest of what a registration asks for, equal for registrations that would build the same image: dictionary
/// order, file order, content given as text or base64, and "644" versus "0644" do not change it. The base reference
/// is part of it, normalized (busybox is docker.io/library/busybox:latest).
/// </summary>
public static class CustomizationHash
{
    /// <summary>"sha256:&lt;hex&gt;" over the canonical JSON of <paramref name="registration"/>, which must be valid.</summary>
    public static string Compute(Registration registration) =>
        Digest.Sha256(CanonicalJson(registration)).ToString();

    /// <summary>The canonical form hashed: fixed property order, sorted maps and paths, file bytes as base64.</summary>
    internal static byte[] CanonicalJson(Registration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("base", ImageReference.TryParse(registration.Base, out var reference, out _)
                ? reference.WithTag(reference.TagOrDefault).ToString()
                : registration.Base);

            json.WriteStartArray("files");
            foreach (var file in (registration.Files ?? []).OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteNumber("mode", FileModes.ParseOrDefault(file.Mode));
                json.WriteBase64String("content", file.Bytes());
                json.WriteEndObject();
            }
            json.WriteEndArray();

            WriteStrings(json, "remove", (registration.Remove ?? []).Order(StringComparer.Ordinal));
            WriteMap(json, "env", registration.Env);
            // Null keeps the base's entrypoint or cmd; an empty list clears it: not the same image.
            WriteStrings(json, "entrypoint", registration.Entrypoint);
            WriteStrings(json, "cmd", registration.Cmd);
            if (registration.Workdir is null) json.WriteNull("workdir");
            else json.WriteString("workdir", registration.Workdir);
            WriteMap(json, "labels", registration.Labels);
            // Install order can matter to package managers: lists keep their order.
            WriteStrings(json, "apt", registration.Packages?.Apt ?? []);
            WriteStrings(json, "pip", registration.Packages?.Pip ?? []);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            json.WriteNull(name);
            return;
        }
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }

    private static void WriteMap(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string>? map)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in (map ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
            json.WriteString(key, value);
        json.WriteEndObject();
    }
}
