using System.Text;
using ManagedImages.Oci;
using ManagedImages.Registry;

namespace ManagedImages.Functions.Tests.Support;

/// <summary>Pushes a tiny image (a config and no layers, unique per repository and variant) to the local registry.</summary>
internal static class RegistryImages
{
    public static async Task<ImageReference> PushAsync(RegistryClient registry, string repository, string tag, string variant = "")
    {
        var host = Stack.Registry;
        var config = Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Labels\":{{\"test\":\"{repository}{variant}\"}}}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[]}}}}");
        var configDigest = Digest.Sha256(config);
        await registry.PushBlobAsync(host, repository, configDigest, config.Length, new MemoryStream(config), CancellationToken.None);
        var manifest = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\"," +
            $"\"config\":{{\"mediaType\":\"{MediaTypes.OciConfig}\",\"digest\":\"{configDigest}\",\"size\":{config.Length}}},\"layers\":[]}}");
        var reference = ImageReference.Parse($"{host}/{repository}:{tag}");
        var digest = await registry.PutManifestAsync(reference, MediaTypes.OciManifest, manifest, CancellationToken.None);
        return reference.WithDigest(digest);
    }
}
