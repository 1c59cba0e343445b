using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registry;

namespace ManagedImages.TestSupport;

/// <summary>
/// Runnable images made from scratch around the host's static busybox, through <see cref="ScratchImage"/>:
/// <c>/bin/busybox</c> with <see cref="Applets"/> linked to it, a world-writable <c>/tmp</c>, and
/// <c>/etc/base-version</c> saying which version of the base it is. The same version gives the same digest.
/// </summary>
public static class BusyboxImage
{
    public const string BusyboxPath = "/bin/busybox";

    public static readonly IReadOnlyList<string> Applets = ["sh", "cat", "echo", "ls"];

    public static readonly ScratchImageConfig Config = new() { Cmd = ["sh"] };

    /// <summary>The entries of the image whose <c>/etc/base-version</c> holds the line <paramref name="baseVersion"/>, plus <paramref name="extra"/>.</summary>
    public static IReadOnlyList<LayerEntry> Entries(string baseVersion, params IEnumerable<LayerEntry> extra)
    {
        RequireBusybox();
        const UnixFileMode executable = (UnixFileMode)0b111_101_101;
        const UnixFileMode tmp = (UnixFileMode)0b1_111_111_111;
        return
        [
            LayerEntry.File("bin/busybox", executable, () => File.OpenRead(BusyboxPath)),
            .. Applets.Select(applet => LayerEntry.SymbolicLink($"bin/{applet}", "busybox")),
            LayerEntry.File("etc/base-version", LayerEntry.DefaultFileMode, Encoding.UTF8.GetBytes($"{baseVersion}\n")),
            LayerEntry.Directory("tmp", tmp),
            .. extra,
        ];
    }

    /// <summary>Pushes the base of <paramref name="baseVersion"/> to <paramref name="reference"/> (its tag, or by digest when it has none).</summary>
    public static Task<Descriptor> PushAsync(ScratchImage scratch, ImageReference reference, string baseVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        return scratch.PushAsync(reference, Entries(baseVersion), Config, cancellationToken);
    }

    /// <summary>Pushes the base of <paramref name="baseVersion"/> under the tag of <paramref name="tagged"/>; returns that reference pinned by its digest.</summary>
    public static async Task<ImageReference> PushPinnedAsync(RegistryClient registry, ImageReference tagged, string baseVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tagged);
        var pushed = await PushAsync(new ScratchImage(registry), tagged, baseVersion, cancellationToken);
        return tagged.WithDigest(Digest.Parse(pushed.Digest));
    }

    /// <summary>
    /// Pushes <paramref name="entries"/> under the tag of <paramref name="tagged"/> as a Docker schema 2 manifest (what
    /// Docker builds, ACR's among them, push); returns its digest.
    /// </summary>
    public static async Task<Digest> PushDockerSchema2Async(
        RegistryClient registry, ImageReference tagged, IEnumerable<LayerEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(tagged);
        var oci = await new ScratchImage(registry).PushAsync(tagged with { Tag = null, Digest = null }, entries, Config, cancellationToken);
        var manifest = JsonNode.Parse((await registry.GetManifestAsync(
            tagged with { Tag = null, Digest = Digest.Parse(oci.Digest) }, cancellationToken))!.Bytes)!.AsObject();
        manifest["mediaType"] = MediaTypes.DockerManifest;
        manifest["config"]!["mediaType"] = MediaTypes.DockerConfig;
        foreach (var layer in manifest["layers"]!.AsArray()) layer!["mediaType"] = MediaTypes.DockerLayerGzip;
        return await registry.PutManifestAsync(tagged, MediaTypes.DockerManifest, JsonSerializer.SerializeToUtf8Bytes(manifest), cancellationToken);
    }

    internal static void RequireBusybox()
    {
        if (!File.Exists(BusyboxPath))
            throw new InvalidOperationException($"{BusyboxPath} is missing: install busybox-static (scripts/stack up does).");
    }
}
