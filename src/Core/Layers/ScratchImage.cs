using System.Text.Json;
using System.Text.Json.Nodes;
using ManagedImages.Oci;
using ManagedImages.Registry;

namespace ManagedImages.Layers;

/// <summary>
/// Publishes a single-layer image made from scratch (files, directories and symbolic links plus a config), like a
/// base image made of a static busybox. Deterministic: the same entries and config give the same manifest digest.
/// </summary>
public sealed class ScratchImage(RegistryClient registry)
{
    /// <summary>Pushes the image to <paramref name="reference"/> (its tag, or by digest when it has none) and returns its manifest.</summary>
    public async Task<Descriptor> PushAsync(ImageReference reference, IEnumerable<LayerEntry> entries, ScratchImageConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(config);
        var platform = Platform.Parse(config.Platform);
        await using var layer = await LayerWriter.WriteAsync(entries, cancellationToken);

        var runConfig = new JsonObject { ["Env"] = Strings(config.Env) };
        if (config.Entrypoint is { } entrypoint) runConfig["Entrypoint"] = Strings(entrypoint);
        if (config.Cmd is { } cmd) runConfig["Cmd"] = Strings(cmd);
        if (config.WorkingDir is { } workdir) runConfig["WorkingDir"] = workdir;
        var imageConfig = new JsonObject
        {
            ["created"] = ImageConfigEditor.FixedCreated,
            ["architecture"] = platform.Architecture,
            ["os"] = platform.Os,
        };
        if (platform.Variant is { } variant) imageConfig["variant"] = variant;
        imageConfig["config"] = runConfig;
        imageConfig["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = Strings([layer.DiffId.ToString()]) };
        imageConfig["history"] = new JsonArray(new JsonObject { ["created"] = ImageConfigEditor.FixedCreated, ["created_by"] = "managed-images scratch image" });
        var configBytes = JsonSerializer.SerializeToUtf8Bytes(imageConfig);
        var configDigest = Digest.Sha256(configBytes);

        await registry.PushBlobAsync(reference.Registry, reference.Repository, layer.Digest, layer.Size, layer.Content, cancellationToken);
        using (var configStream = new MemoryStream(configBytes, writable: false))
            await registry.PushBlobAsync(reference.Registry, reference.Repository, configDigest, configBytes.Length, configStream, cancellationToken);

        var manifest = new ImageManifest(
            MediaTypes.OciManifest,
            new Descriptor(MediaTypes.OciConfig, configDigest.ToString(), configBytes.Length),
            [layer.Descriptor]);
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest);
        var digest = Digest.Sha256(manifestBytes);
        await registry.PutManifestAsync(reference.Tag is null ? reference.WithDigest(digest) : reference, MediaTypes.OciManifest, manifestBytes, cancellationToken);
        return new Descriptor(MediaTypes.OciManifest, digest.ToString(), manifestBytes.Length) { Platform = platform };
    }

    private static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];
}
