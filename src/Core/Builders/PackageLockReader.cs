using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ManagedImages.Builds;
using ManagedImages.Oci;
using ManagedImages.Registry;

namespace ManagedImages.Builders;

/// <summary>
/// Reads the package lock a build wrote (<see cref="ResolvedPackages.LockPath"/>) out of a pushed image's layers, newest
/// layer first: for builders that leave no engine to ask (ACR Tasks). Only layers down to the one holding the lock are read.
/// </summary>
public sealed class PackageLockReader(RegistryClient registry)
{
    private static readonly string LockEntry = ResolvedPackages.LockPath.TrimStart('/');
    private static readonly string LockWhiteout = LockEntry[..(LockEntry.LastIndexOf('/') + 1)] + ".wh." + LockEntry[(LockEntry.LastIndexOf('/') + 1)..];

    /// <summary>The lock of <paramref name="image"/> (pinned by digest), or null when no layer has one.</summary>
    public async Task<ResolvedPackages?> ReadAsync(ImageReference image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var content = await registry.GetManifestAsync(image, cancellationToken)
            ?? throw new InvalidOperationException($"The image {image} is not in the registry.");
        var manifest = JsonSerializer.Deserialize<ImageManifest>(content.Bytes)
            ?? throw new FormatException($"The manifest of {image} is empty.");
        foreach (var layer in manifest.Layers.Reverse())
        {
            await using var blob = await registry.OpenBlobAsync(image.Registry, image.Repository, layer, cancellationToken);
            await using var tar = layer.MediaType.EndsWith("gzip", StringComparison.Ordinal) ? new GZipStream(blob, CompressionMode.Decompress) : blob;
            using var reader = new TarReader(tar);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name.TrimStart('/');
                if (name == LockWhiteout) return null;
                if (name != LockEntry || entry.DataStream is null) continue;
                using var text = new StreamReader(entry.DataStream, Encoding.UTF8);
                return ResolvedPackages.ParseLock(await text.ReadToEndAsync(cancellationToken));
            }
        }
        return null;
    }
}
