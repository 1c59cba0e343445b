using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ManagedImages.Builds;
using ManagedImages.Oci;
using ManagedImages.Registrations;
using ManagedImages.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Layers;

/// <summary>
/// Builds layer-only customizations without any builder: one deterministic layer on top of the base's layers,
/// which are mounted into the custom image's repository (or copied once when the base lives in another registry).
/// A new base version is a rebase that costs a few requests, whatever the base's size.
/// </summary>
public sealed class LayerBuilder(RegistryClient registry, IOptions<CustomImageOptions> options, ILogger<LayerBuilder> logger) : IImageBuilder
{
    private const int ParallelBlobTransfers = 4;
    private readonly CustomImageOptions _options = options.Value;

    public async Task<BuiltImage> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var registration = request.Registration;
        if (registration.InstallsPackages)
        {
            throw new NotSupportedException(
                $"The registration of '{request.Nickname}' installs packages (packages.apt / packages.pip): packages need " +
                "a builder, which comes in a later version. For now a registration may add files, remove paths and set " +
                "env, entrypoint, cmd, workdir and labels; remove `packages` to build it.");
        }
        if (!ImageReference.TryParse(registration.Base, out var baseReference, out var error))
            throw new ArgumentException($"base: {error}", nameof(request));
        if (!Digest.TryParse(request.BaseDigest, out var baseDigest))
            throw new ArgumentException($"BaseDigest: '{request.BaseDigest}' is not a digest; expected sha256:<64 lowercase hex digits>.", nameof(request));

        var pinnedBase = baseReference.WithDigest(baseDigest);
        var (baseManifest, baseManifestJson) = await GetBaseManifestAsync(pinnedBase, cancellationToken);
        var baseConfig = await registry.GetBlobBytesAsync(pinnedBase.Registry, pinnedBase.Repository, baseManifest.Config, cancellationToken);
        var target = _options.ReferenceFor(request.Nickname, request.Version);

        var entries = LayerWriter.EntriesFor(registration);
        // Settings without files or removals need no layer: an empty one would only add a blob to pull.
        await using var layer = entries.Count == 0 ? null : await LayerWriter.WriteAsync(entries, cancellationToken);
        var configBytes = ImageConfigEditor.Apply(baseConfig, registration, layer?.DiffId, Describe(request));
        var configDigest = Digest.Sha256(configBytes);

        await TransferBaseLayersAsync(pinnedBase, target, baseManifest.Layers, cancellationToken);
        if (layer is not null)
            await registry.PushBlobAsync(target.Registry, target.Repository, layer.Digest, layer.Size, layer.Content, cancellationToken);
        using (var configStream = new MemoryStream(configBytes, writable: false))
            await registry.PushBlobAsync(target.Registry, target.Repository, configDigest, configBytes.Length, configStream, cancellationToken);

        var manifestBytes = ManifestBytes(
            new Descriptor(MediaTypes.OciConfig, configDigest.ToString(), configBytes.Length),
            baseManifestJson["layers"] as JsonArray,
            layer?.Descriptor,
            Annotations(request, baseReference));
        var digest = Digest.Sha256(manifestBytes);

        // Version tags are immutable; the same digest means this build ran before (an activity retried) and is done.
        // Nothing in the distribution API makes the check and the push one step: two different builds of one version
        // racing here are prevented upstream (one build per nickname, revision and base digest).
        var existing = await registry.ResolveDigestAsync(target, cancellationToken);
        if (existing is { } current && current != digest) throw new ImageTagConflictException(target, current, digest);
        if (existing is null) await registry.PutManifestAsync(target, MediaTypes.OciManifest, manifestBytes, cancellationToken);

        logger.LogInformation("Built {Image} ({Digest}) on {Base}", target, digest, pinnedBase);
        return new BuiltImage($"{target.Name}@{digest}", digest.ToString(), request.BaseDigest);
    }

    /// <summary>The base's image manifest; for an index, the manifest of the configured platform.</summary>
    private async Task<(ImageManifest Manifest, JsonObject Json)> GetBaseManifestAsync(ImageReference pinnedBase, CancellationToken cancellationToken)
    {
        var content = await registry.GetManifestAsync(pinnedBase, cancellationToken)
            ?? throw new InvalidOperationException($"The base image {pinnedBase} does not exist (the registry answered 404 for its manifest).");

        if (MediaTypes.IsIndex(content.MediaType))
        {
            var index = JsonSerializer.Deserialize<ImageIndex>(content.Bytes)
                ?? throw new FormatException($"The image index of {pinnedBase} is empty.");
            var wanted = Platform.Parse(_options.Platform);
            var chosen = index.Manifests.FirstOrDefault(m => m.Platform is { } p && wanted.Matches(p) && MediaTypes.IsManifest(m.MediaType))
                ?? throw new InvalidOperationException(
                    $"The base image {pinnedBase} is an image index with no manifest for {wanted}; it has " +
                    $"{string.Join(", ", index.Manifests.Select(m => m.Platform?.ToString() ?? "(no platform)").Distinct())}. " +
                    $"Set {CustomImageOptions.Section}:Platform to one of them, or use a base built for {wanted}.");
            content = await registry.GetManifestAsync(pinnedBase.WithDigest(Digest.Parse(chosen.Digest)), cancellationToken)
                ?? throw new InvalidOperationException($"The base image index {pinnedBase} lists {chosen.Digest} for {wanted}, but the registry has no such manifest.");
        }

        if (!MediaTypes.IsManifest(content.MediaType))
            throw new NotSupportedException($"The base image {pinnedBase} has a manifest of type '{content.MediaType}'; expected an OCI or Docker image manifest.");

        var manifest = JsonSerializer.Deserialize<ImageManifest>(content.Bytes)
            ?? throw new FormatException($"The manifest of {pinnedBase} is empty.");
        var json = JsonNode.Parse(content.Bytes) as JsonObject
            ?? throw new FormatException($"The manifest of {pinnedBase} is not a JSON object.");
        return (manifest, json);
    }

    /// <summary>
    /// Makes the base's layers part of the custom repository: a cross-repository mount within one registry (no bytes
    /// move), else one streamed, digest-checked copy that later versions find in place.
    /// </summary>
    private async Task TransferBaseLayersAsync(ImageReference pinnedBase, ImageReference target, IReadOnlyList<Descriptor> layers, CancellationToken cancellationToken)
    {
        var sameRegistry = string.Equals(pinnedBase.Registry, target.Registry, StringComparison.OrdinalIgnoreCase);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ParallelBlobTransfers, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(layers.Where(IsDistributable), parallel, async (layer, ct) =>
        {
            if (sameRegistry && await registry.MountBlobAsync(target.Registry, target.Repository, Digest.Parse(layer.Digest), pinnedBase.Repository, ct))
                return;
            if (sameRegistry) logger.LogInformation("The registry would not mount {Digest} from {Base}; copying it", layer.Digest, pinnedBase);
            await registry.CopyBlobAsync(pinnedBase, target, layer, ct);
        });
    }

    // Non-distributable (foreign) layers are fetched from their URLs by the runtime; registries do not hold them.
    private static bool IsDistributable(Descriptor layer) =>
        !layer.MediaType.Contains("foreign", StringComparison.Ordinal) && !layer.MediaType.Contains("nondistributable", StringComparison.Ordinal);

    private static byte[] ManifestBytes(Descriptor config, JsonArray? baseLayers, Descriptor? customLayer, JsonObject annotations)
    {
        // The base's layer descriptors are copied as they are (media types, annotations, urls and all).
        var layers = baseLayers?.DeepClone().AsArray() ?? [];
        if (customLayer is not null) layers.Add(JsonSerializer.SerializeToNode(customLayer));
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = JsonSerializer.SerializeToNode(config),
            ["layers"] = layers,
            ["annotations"] = annotations,
        };
        return JsonSerializer.SerializeToUtf8Bytes(manifest);
    }

    private static JsonObject Annotations(BuildRequest request, ImageReference baseReference) => new()
    {
        [AnnotationKeys.BaseName] = baseReference.Digest is null ? baseReference.WithTag(baseReference.TagOrDefault).ToString() : baseReference.ToString(),
        // The digest the base tag resolved to, which for a multi-platform base is the index rather than the platform
        // manifest inside it: freshness checks compare the tag's current digest with this value.
        [AnnotationKeys.BaseDigest] = request.BaseDigest,
        [AnnotationKeys.Nickname] = request.Nickname,
        [AnnotationKeys.Version] = request.Version.ToString(CultureInfo.InvariantCulture),
        [AnnotationKeys.Revision] = request.Revision.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The history line of the custom layer: what the registration changes, without the clock.</summary>
    private static string Describe(BuildRequest request)
    {
        var r = request.Registration;
        var changes = new List<string>();
        if (r.Files.Count > 0) changes.Add($"{r.Files.Count} file(s)");
        if (r.Remove.Count > 0) changes.Add($"{r.Remove.Count} removal(s)");
        if (r.Env.Count > 0) changes.Add("env " + string.Join(",", r.Env.Keys.Order(StringComparer.Ordinal)));
        if (r.Entrypoint is not null) changes.Add("entrypoint");
        if (r.Cmd is not null) changes.Add("cmd");
        if (r.Workdir is not null) changes.Add("workdir");
        if (r.Labels.Count > 0) changes.Add("labels");
        return string.Create(CultureInfo.InvariantCulture,
            $"managed-images {request.Nickname} revision {request.Revision}: {(changes.Count == 0 ? "no changes" : string.Join("; ", changes))}");
    }
}
