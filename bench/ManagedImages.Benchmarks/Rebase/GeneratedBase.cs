using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ManagedImages.Benchmarks.Content;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registry;

namespace ManagedImages.Benchmarks.Rebase;

/// <summary>
/// A base image of <see cref="Layers"/> layers, each one file of <see cref="LayerBytes"/> generated incompressible
/// bytes, written by <see cref="LayerWriter"/> (streamed through a temporary file) and pushed once: its tag names its
/// shape, so a later run finds it and pushes nothing.
/// </summary>
internal sealed record GeneratedBase(string Name, int Layers, long LayerBytes)
{
    private const string Repository = "bench-bases/generated";
    // Bump when the generator or the layout changes, so an old base is not taken for a new one.
    private const int ContentVersion = 1;

    public long TotalBytes => Layers * LayerBytes;

    public ImageReference Tag(string registry) =>
        new(registry, Repository, string.Create(CultureInfo.InvariantCulture, $"g{ContentVersion}-{Layers}x{LayerBytes}"), null);

    /// <summary>The base pinned by digest and its layers; pushes it first unless the registry has it whole.</summary>
    public async Task<(ImageReference Pinned, IReadOnlyList<Descriptor> Layers)> EnsurePushedAsync(RegistryClient registry, string registryHost, TextWriter log, CancellationToken cancellationToken)
    {
        var tag = Tag(registryHost);
        if (await registry.GetManifestAsync(tag, cancellationToken) is { } existing)
        {
            var manifest = JsonSerializer.Deserialize<ImageManifest>(existing.Bytes)!;
            var present = true;
            foreach (var layer in manifest.Layers)
                present &= await registry.BlobExistsAsync(tag.Registry, tag.Repository, Digest.Parse(layer.Digest), cancellationToken);
            if (present)
            {
                log.WriteLine($"  base {Name}: found {tag} ({existing.Digest}), nothing pushed");
                return (tag.WithDigest(existing.Digest), manifest.Layers);
            }
        }

        var clock = Stopwatch.StartNew();
        var layers = new List<Descriptor>();
        var diffIds = new JsonArray();
        for (var i = 0; i < Layers; i++)
        {
            var seed = (ulong)((Layers * 1_000_003L) + (LayerBytes * 31) + i);
            var size = LayerBytes;
            LayerEntry[] entries = [LayerEntry.File($"opt/generated/{Name}-{i}.bin", LayerEntry.DefaultFileMode, () => new GeneratedStream(seed, size))];
            await using var layer = await LayerWriter.WriteAsync(entries, cancellationToken);
            await registry.PushBlobAsync(tag.Registry, tag.Repository, layer.Digest, layer.Size, layer.Content, cancellationToken);
            layers.Add(layer.Descriptor);
            diffIds.Add(layer.DiffId.ToString());
        }

        var config = new JsonObject
        {
            ["created"] = ImageConfigEditor.FixedCreated,
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = diffIds },
        };
        var configBytes = JsonSerializer.SerializeToUtf8Bytes(config);
        var configDigest = Digest.Sha256(configBytes);
        using (var configStream = new MemoryStream(configBytes, writable: false))
            await registry.PushBlobAsync(tag.Registry, tag.Repository, configDigest, configBytes.Length, configStream, cancellationToken);
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(new ImageManifest(
            MediaTypes.OciManifest, new Descriptor(MediaTypes.OciConfig, configDigest.ToString(), configBytes.Length), layers));
        var digest = await registry.PutManifestAsync(tag, MediaTypes.OciManifest, manifestBytes, cancellationToken);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  base {Name}: pushed {tag} ({digest}), {layers.Sum(l => l.Size):N0} compressed bytes in {clock.Elapsed.TotalSeconds:0.0} s"));
        return (tag.WithDigest(digest), layers);
    }
}
