using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ManagedImages.Builds;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registrations;
using ManagedImages.Registry;
using Microsoft.Extensions.Options;

namespace ManagedImages.Builders;

/// <summary>
/// Turns an image a builder pushed (under a working tag, usually as a Docker manifest) into the version the service
/// records: an OCI manifest with the same annotations as a rebased version (base name and digest, nickname, version,
/// revision) under the version's tag. The blobs are in the repository already; only a manifest (and, when settings
/// had to be applied after the build, a config) is written.
/// </summary>
public sealed class BuiltImagePublisher(RegistryClient registry, IOptions<CustomImageOptions> options)
{
    private readonly CustomImageOptions _options = options.Value;

    /// <summary>
    /// Publishes <paramref name="pushed"/> (a reference in the custom image's repository) as version
    /// <see cref="BuildRequest.Version"/>. When <paramref name="applySettings"/>, the registration's env, entrypoint, cmd,
    /// workdir and labels are written into the config again (exactly, whatever the Dockerfile could hold).
    /// </summary>
    public async Task<BuiltImage> PublishAsync(BuildRequest request, ImageReference pushed, bool applySettings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(pushed);
        var target = _options.ReferenceFor(request.Nickname, request.Version);
        var content = await registry.GetManifestAsync(pushed, cancellationToken)
            ?? throw new InvalidOperationException($"The builder reported {pushed} as pushed, but the registry has no such manifest.");
        if (!MediaTypes.IsManifest(content.MediaType))
            throw new NotSupportedException($"The builder pushed {pushed} as '{content.MediaType}'; expected one image manifest.");
        var manifest = JsonNode.Parse(content.Bytes) as JsonObject
            ?? throw new FormatException($"The manifest of {pushed} is not a JSON object.");

        if (manifest["config"] is not JsonObject config) throw new FormatException($"The manifest of {pushed} has no config.");
        if (applySettings)
        {
            var descriptor = JsonSerializer.Deserialize<Descriptor>(config.ToJsonString())
                ?? throw new FormatException($"The config descriptor of {pushed} is empty.");
            var baseConfig = await registry.GetBlobBytesAsync(pushed.Registry, pushed.Repository, descriptor, cancellationToken);
            var settingsOnly = request.Registration with { Files = [], Remove = [], Packages = null };
            var edited = ImageConfigEditor.Apply(baseConfig, settingsOnly, null,
                $"managed-images {request.Nickname} revision {request.Revision}: settings a Dockerfile cannot hold");
            var digest = Digest.Sha256(edited);
            using (var stream = new MemoryStream(edited, writable: false))
                await registry.PushBlobAsync(target.Registry, target.Repository, digest, edited.Length, stream, cancellationToken);
            config["digest"] = digest.ToString();
            config["size"] = edited.Length;
        }

        manifest["mediaType"] = MediaTypes.OciManifest;
        config["mediaType"] = MediaTypes.OciConfig;
        foreach (var layer in manifest["layers"] as JsonArray ?? [])
        {
            if (layer is JsonObject l) l["mediaType"] = OciLayerType(l["mediaType"]?.GetValue<string>());
        }
        manifest["annotations"] = Annotations(request);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest);
        var manifestDigest = Digest.Sha256(bytes);

        // Version tags are immutable: the same digest is this very publication done before (a retry).
        var existing = await registry.ResolveDigestAsync(target, cancellationToken);
        if (existing is { } current && current != manifestDigest) throw new ImageTagConflictException(target, current, manifestDigest);
        if (existing is null) await registry.PutManifestAsync(target, MediaTypes.OciManifest, bytes, cancellationToken);
        return new BuiltImage($"{target.Name}@{manifestDigest}", manifestDigest.ToString(), request.BaseDigest);
    }

    /// <summary>
    /// The version already published under its tag when it is this request's (same nickname, version, revision and base
    /// digest, as a retried build finds it), else null.
    /// </summary>
    public async Task<BuiltImage?> FindPublishedAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = _options.ReferenceFor(request.Nickname, request.Version);
        var content = await registry.GetManifestAsync(target, cancellationToken);
        if (content is null || !MediaTypes.IsManifest(content.MediaType)) return null;
        var manifest = JsonSerializer.Deserialize<ImageManifest>(content.Bytes);
        var wanted = Annotations(request);
        var ours = manifest?.Annotations is { } annotations &&
            wanted.All(w => annotations.TryGetValue(w.Key, out var value) && value == w.Value?.GetValue<string>());
        return ours ? new BuiltImage($"{target.Name}@{content.Digest}", content.Digest.ToString(), request.BaseDigest) : null;
    }

    /// <summary>The annotations every version carries, the same as the layer builder writes.</summary>
    public static JsonObject Annotations(BuildRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var baseReference = ImageReference.Parse(request.Registration.Base);
        return new JsonObject
        {
            [AnnotationKeys.BaseName] = baseReference.Digest is null ? baseReference.WithTag(baseReference.TagOrDefault).ToString() : baseReference.ToString(),
            [AnnotationKeys.BaseDigest] = request.BaseDigest,
            [AnnotationKeys.Nickname] = request.Nickname,
            [AnnotationKeys.Version] = request.Version.ToString(CultureInfo.InvariantCulture),
            [AnnotationKeys.Revision] = request.Revision.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string OciLayerType(string? mediaType) => mediaType switch
    {
        MediaTypes.DockerLayerGzip => MediaTypes.OciLayerGzip,
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" => "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        null => MediaTypes.OciLayerGzip,
        _ => mediaType,
    };
}
