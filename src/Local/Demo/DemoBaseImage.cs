using ManagedImages.Layers;
using ManagedImages.Oci;

namespace ManagedImages.Local.Demo;

/// <summary>
/// The demo's base image: a static busybox with /bin/sh and /bin/cat, and /etc/base-version saying which version it is.
/// Deterministic, so publishing the same version again gives the same digest.
/// </summary>
internal static class DemoBaseImage
{
    public const string BusyboxPath = "/bin/busybox";

    public static async Task<Digest> PublishAsync(ScratchImage images, ImageReference reference, int version, CancellationToken cancellationToken)
    {
        if (!File.Exists(BusyboxPath))
        {
            throw new FileNotFoundException($"{BusyboxPath} is missing: install Debian's busybox-static (scripts/stack up does)", BusyboxPath);
        }

        LayerEntry[] entries =
        [
            LayerEntry.Directory("bin"),
            LayerEntry.File("bin/busybox", (UnixFileMode)0b111_101_101, () => File.OpenRead(BusyboxPath)),
            LayerEntry.SymbolicLink("bin/sh", "busybox"),
            LayerEntry.SymbolicLink("bin/cat", "busybox"),
            LayerEntry.Directory("etc"),
            LayerEntry.File("etc/base-version", LayerEntry.DefaultFileMode, System.Text.Encoding.UTF8.GetBytes($"{version}\n")),
        ];
        Descriptor manifest = await images.PushAsync(reference, entries, new ScratchImageConfig { Cmd = ["/bin/sh"] }, cancellationToken);
        return Digest.Parse(manifest.Digest);
    }
}
