using System.Text.Json;
using System.Text.Json.Nodes;
using ManagedImages.Oci;
using ManagedImages.Registrations;

namespace ManagedImages.Layers;

/// <summary>
/// Applies a registration's settings to a base image config (OCI or Docker: both keep them under <c>config</c>
/// with Docker's capitalised names). Every field it does not set is kept as the base has it, and nothing depends on
/// the clock, so the same base and registration give the same config bytes.
/// </summary>
public static class ImageConfigEditor
{
    /// <summary>The date written where one is needed: fixed, so rebuilding gives the same digest.</summary>
    public const string FixedCreated = "1970-01-01T00:00:00Z";

    /// <summary>
    /// Returns the base config with the registration's env (merged by name: registered values replace the base's,
    /// the base's order kept, new names appended sorted), entrypoint (which, as in a Dockerfile, clears the base's cmd
    /// unless cmd is registered too), cmd, working directory and labels (merged), the new layer's diff_id appended to
    /// <c>rootfs.diff_ids</c> and a history entry saying <paramref name="createdBy"/>. With no layer
    /// (<paramref name="layerDiffId"/> null) the history entry is marked <c>empty_layer</c>.
    /// </summary>
    public static byte[] Apply(ReadOnlySpan<byte> baseConfig, Registration registration, Digest? layerDiffId, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(registration);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(baseConfig) as JsonObject
                ?? throw new FormatException("The base image config is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"The base image config is not valid JSON: {e.Message}", e);
        }

        if (root["config"] is not JsonObject config)
        {
            config = [];
            root["config"] = config;
        }

        if (registration.Env.Count > 0) config["Env"] = MergeEnv(config["Env"] as JsonArray, registration.Env);

        if (registration.Entrypoint is { } entrypoint)
        {
            config["Entrypoint"] = StringArray(entrypoint);
            if (registration.Cmd is null) config.Remove("Cmd");
        }

        if (registration.Cmd is { } cmd) config["Cmd"] = StringArray(cmd);

        if (registration.Workdir is { } workdir) config["WorkingDir"] = workdir;

        if (registration.Labels.Count > 0)
        {
            if (config["Labels"] is not JsonObject labels)
            {
                labels = [];
                config["Labels"] = labels;
            }
            foreach (var (name, value) in registration.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
                labels[name] = value;
        }

        if (layerDiffId is { } diffId)
        {
            if (root["rootfs"] is not JsonObject rootfs)
            {
                rootfs = new JsonObject { ["type"] = "layers" };
                root["rootfs"] = rootfs;
            }
            if (rootfs["diff_ids"] is not JsonArray diffIds)
            {
                diffIds = [];
                rootfs["diff_ids"] = diffIds;
            }
            diffIds.Add(diffId.ToString());
        }

        if (root["history"] is not JsonArray history)
        {
            history = [];
            root["history"] = history;
        }
        var entry = new JsonObject { ["created"] = FixedCreated, ["created_by"] = createdBy, ["comment"] = "managed-images" };
        if (layerDiffId is null) entry["empty_layer"] = true;
        history.Add(entry);

        // The base's creation date is as deterministic as the base itself; an image without one gets the fixed date.
        if (root["created"] is null) root["created"] = FixedCreated;

        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    private static JsonArray MergeEnv(JsonArray? baseEnv, IReadOnlyDictionary<string, string> env)
    {
        var merged = new List<string>();
        var indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in baseEnv ?? [])
        {
            if (item?.GetValueKind() != JsonValueKind.String) continue;
            var text = item.GetValue<string>();
            indexByName.TryAdd(NameOf(text), merged.Count);
            merged.Add(text);
        }

        foreach (var (name, value) in env.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var text = $"{name}={value}";
            if (indexByName.TryGetValue(name, out var index)) merged[index] = text;
            else
            {
                indexByName[name] = merged.Count;
                merged.Add(text);
            }
        }

        return StringArray(merged);
    }

    private static string NameOf(string envEntry)
    {
        var equals = envEntry.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? envEntry : envEntry[..equals];
    }

    private static JsonArray StringArray(IEnumerable<string> values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];
}
