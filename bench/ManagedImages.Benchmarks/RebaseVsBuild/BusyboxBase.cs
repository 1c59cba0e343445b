using System.Globalization;
using ManagedImages.Layers;
using ManagedImages.Oci;

namespace ManagedImages.Benchmarks.RebaseVsBuild;

/// <summary>
/// A busybox base made from scratch (Debian's static /bin/busybox, one layer) pushed in two versions under one tag, so
/// that consecutive upgrades can alternate between two base digests; the versions differ by /etc/base-release and
/// their BASE_RELEASE env.
/// </summary>
internal static class BusyboxBase
{
    private const string Busybox = "/bin/busybox";

    /// <summary>Pushes versions 1 and 2 to <paramref name="tag"/> (which ends on version 2) and returns their digests.</summary>
    public static async Task<IReadOnlyList<Digest>> PushTwoVersionsAsync(ScratchImage scratch, ImageReference tag, CancellationToken cancellationToken)
    {
        var busybox = await File.ReadAllBytesAsync(Busybox, cancellationToken);
        var digests = new List<Digest>();
        for (var release = 1; release <= 2; release++)
        {
            var text = release.ToString(CultureInfo.InvariantCulture);
            LayerEntry[] entries =
            [
                LayerEntry.File("bin/busybox", (UnixFileMode)0b111_101_101, busybox),
                LayerEntry.SymbolicLink("bin/sh", "busybox"),
                LayerEntry.SymbolicLink("bin/rm", "busybox"),
                LayerEntry.SymbolicLink("bin/true", "busybox"),
                LayerEntry.SymbolicLink("bin/echo", "busybox"),
                LayerEntry.SymbolicLink("bin/cat", "busybox"),
                LayerEntry.File("etc/base-release", LayerEntry.DefaultFileMode, System.Text.Encoding.UTF8.GetBytes(text + "\n")),
            ];
            var config = new ScratchImageConfig
            {
                Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "BASE_RELEASE=" + text],
                Cmd = ["sh"],
            };
            var pushed = await scratch.PushAsync(tag, entries, config, cancellationToken);
            digests.Add(Digest.Parse(pushed.Digest));
        }
        return digests;
    }
}
