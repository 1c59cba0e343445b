using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ManagedImages.Builds;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registry;
using Microsoft.Extensions.Options;

namespace ManagedImages.Builders;

/// <summary>
/// Makes an image a builder pushed (usually a Docker schema 2 manifest under a working tag) into the version the
/// service records: the same config and layers as an OCI manifest, with the annotations every version carries (base
/// name and digest, nickname, version, revision), under the version's tag. No blob moves; only a manifest is written.
/// Publishing the same pushed image for the same request twice writes the same bytes, so it is safe to repeat.
/// </summary>
public sealed class AnnotatedManifestPublisher(RegistryClient registry, IOptions<CustomImageOptions> options)
{
    private const string DockerForeignLayer = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    private const string OciNondistributableLayer = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

    private readonly CustomImageOptions _options = options.Value;

    /// <summary>Publishes <paramref name="pushed"/> (in the custom image's repository) as version <see cref="BuildRequest.Version"/>.</summary>
    public Task<BuiltImage> PublishAsync(BuildRequest request, ImageReference pushed, CancellationToken cancellationToken) =>
        PublishAsync(request, pushed, applySettings: false, cancellationToken);

    /// <summary>
    /// Publishes <paramref name="pushed"/> as version <see cref="BuildRequest.Version"/>; with <paramref name="applySettings"/>
    /// the registration's env, entrypoint, cmd, workdir and labels are first written into a new config the way a rebase
    /// writes them (for values a Dockerfile cannot hold, like env values with line breaks).
    /// </summary>
    public async Task<BuiltImage> PublishAsync(BuildRequest request, ImageReference pushed, bool applySettings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(pushed);
        var target = _options.ReferenceFor(request.Nickname, request.Version);
        var content = await registry.GetManifestAsync(pushed, cancellationToken)
            ?? throw new InvalidOperationException($"The builder reported {pushed} as pushed, but the registry has no such manifest.");
        if (!MediaTypes.IsManifest(content.MediaType))
            throw new NotSupportedException($"The builder pushed {pushed} as '{content.MediaType}'; expected a single image manifest.");
        var manifest = JsonNode.Parse(content.Bytes) as JsonObject
            ?? throw new FormatException($"The manifest of {pushed} is not a JSON object.");
        if (manifest["config"] is not JsonObject config) throw new FormatException($"The manifest of {pushed} has no config.");
        if (applySettings) await ApplySettingsAsync(request, pushed, target, config, cancellationToken);

        manifest["mediaType"] = MediaTypes.OciManifest;
        config["mediaType"] = MediaTypes.OciConfig;
        foreach (var layer in manifest["layers"] as JsonArray ?? [])
        {
            if (layer is JsonObject l) l["mediaType"] = OciLayerType(l["mediaType"]?.GetValue<string>());
        }
        manifest["annotations"] = Annotations(request);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest);
        var digest = Digest.Sha256(bytes);

        // Version tags are immutable: the same digest there is this very publication, done before.
        var existing = await registry.ResolveDigestAsync(target, cancellationToken);
        if (existing is { } current && current != digest) throw new ImageTagConflictException(target, current, digest);
        if (existing is null) await registry.PutManifestAsync(target, MediaTypes.OciManifest, bytes, cancellationToken);
        return new BuiltImage($"{target.Name}@{digest}", digest.ToString(), request.BaseDigest);
    }

    /// <summary>Writes the config with the registration's settings applied and points <paramref name="config"/> at it.</summary>
    private async Task ApplySettingsAsync(BuildRequest request, ImageReference pushed, ImageReference target, JsonObject config, CancellationToken cancellationToken)
    {
        var descriptor = JsonSerializer.Deserialize<Descriptor>(config.ToJsonString())
            ?? throw new FormatException($"The config descriptor of {pushed} is empty.");
        var built = await registry.GetBlobBytesAsync(pushed.Registry, pushed.Repository, descriptor, cancellationToken);
        var settingsOnly = request.Registration with { Files = [], Remove = [], Packages = null };
        var edited = ImageConfigEditor.Apply(built, settingsOnly, null,
            string.Create(CultureInfo.InvariantCulture, $"managed-images {request.Nickname} revision {request.Revision}: settings a Dockerfile cannot hold"));
        var digest = Digest.Sha256(edited);
        using (var stream = new MemoryStream(edited, writable: false))
            await registry.PushBlobAsync(target.Registry, target.Repository, digest, edited.Length, stream, cancellationToken);
        config["digest"] = digest.ToString();
        config["size"] = edited.Length;
    }

    /// <summary>The version as published before for this same request (a retried build), or null.</summary>
    public async Task<BuiltImage?> FindPublishedAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = _options.ReferenceFor(request.Nickname, request.Version);
        var content = await registry.GetManifestAsync(target, cancellationToken);
        if (content is null || !MediaTypes.IsManifest(content.MediaType)) return null;
        var published = JsonSerializer.Deserialize<ImageManifest>(content.Bytes)?.Annotations;
        var wanted = Annotations(request);
        var same = published is not null &&
            wanted.All(w => published.TryGetValue(w.Key, out var value) && value == w.Value?.GetValue<string>());
        return same ? new BuiltImage($"{target.Name}@{content.Digest}", content.Digest.ToString(), request.BaseDigest) : null;
    }

    /// <summary>The annotations of a version, the same keys and values the layer builder writes.</summary>
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
        null or MediaTypes.DockerLayerGzip => MediaTypes.OciLayerGzip,
        DockerForeignLayer => OciNondistributableLayer,
        _ => mediaType,
    };
}
