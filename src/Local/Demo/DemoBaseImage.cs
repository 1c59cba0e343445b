using ManagedImages.Layers;
using ManagedImages.Oci;

namespace ManagedImages.Local.Demo;

/// <summary>
/// The demo's base image: a static busybox with /bin/sh and /bin/cat, and /etc/base-version saying which version it is.
/// Deterministic: the same version and stamp give the same digest. The demo stamps each of its plays, so every play
/// publishes bases the stack has not seen and shows a real rebuild, however often it ran before.
/// </summary>
internal static class DemoBaseImage
{
    public const string BusyboxPath = "/bin/busybox";

    public static async Task<Digest> PublishAsync(
        ScratchImage images, ImageReference reference, int version, CancellationToken cancellationToken, string? stamp = null)
    {
        if (!File.Exists(BusyboxPath))
        {
            throw new FileNotFoundException($"{BusyboxPath} is missing: install Debian's busybox-static (scripts/stack up does)", BusyboxPath);
        }

        List<LayerEntry> entries =
        [
            LayerEntry.Directory("bin"),
            LayerEntry.File("bin/busybox", (UnixFileMode)0b111_101_101, () => File.OpenRead(BusyboxPath)),
            LayerEntry.SymbolicLink("bin/sh", "busybox"),
            LayerEntry.SymbolicLink("bin/cat", "busybox"),
            LayerEntry.Directory("etc"),
            LayerEntry.File("etc/base-version", LayerEntry.DefaultFileMode, System.Text.Encoding.UTF8.GetBytes($"{version}\n")),
        ];
        if (stamp is not null)
        {
            entries.Add(LayerEntry.File("etc/base-stamp", LayerEntry.DefaultFileMode, System.Text.Encoding.UTF8.GetBytes($"{stamp}\n")));
        }

        Descriptor manifest = await images.PushAsync(reference, entries, new ScratchImageConfig { Cmd = ["/bin/sh"] }, cancellationToken);
        return Digest.Parse(manifest.Digest);
    }
}
