using ManagedImages.Layers;
using ManagedImages.Oci;

namespace ManagedImages.IntegrationTests.Infrastructure;

/// <summary>
/// Base images made from scratch around the host's static busybox: <c>/bin/busybox</c> with <c>sh</c>, <c>cat</c>,
/// <c>echo</c> and <c>ls</c> linked to it, and <c>/etc/base-version</c> saying which version of the base it is.
/// </summary>
public static class BaseImages
{
    public const string BusyboxPath = "/bin/busybox";
    private static readonly string[] Applets = ["sh", "cat", "echo", "ls"];

    /// <summary>A base tag that was pushed twice: <see cref="Tag"/> points to <see cref="Version2"/> now.</summary>
    public sealed record BusyboxBase(ImageReference Tag, Descriptor Version1, Descriptor Version2)
    {
        public Descriptor Version(int version) => version == 1 ? Version1 : Version2;
    }

    public static readonly ScratchImageConfig BusyboxConfig = new() { Cmd = ["sh"] };

    /// <summary>Pushes version 1, then version 2, of a busybox base under one tag of a new repository.</summary>
    public static async Task<BusyboxBase> PushBusyboxVersionsAsync(ScratchImage scratch, string registry, CancellationToken cancellationToken)
    {
        var tag = new ImageReference(registry, $"it-bases-{Guid.NewGuid().ToString("N")[..8]}/busybox", "stable", null);
        var version1 = await scratch.PushAsync(tag, Busybox(1), BusyboxConfig, cancellationToken);
        var version2 = await scratch.PushAsync(tag, Busybox(2), BusyboxConfig, cancellationToken);
        return new BusyboxBase(tag, version1, version2);
    }

    /// <summary>The entries of busybox base <paramref name="version"/>.</summary>
    public static IReadOnlyList<LayerEntry> Busybox(int version)
    {
        if (!File.Exists(BusyboxPath))
            throw new InvalidOperationException($"{BusyboxPath} is missing: install busybox-static (scripts/stack up does).");

        const UnixFileMode executable = (UnixFileMode)0b111_101_101;
        const UnixFileMode tmp = (UnixFileMode)0b1_111_111_111;
        return
        [
            LayerEntry.File("bin/busybox", executable, () => File.OpenRead(BusyboxPath)),
            .. Applets.Select(applet => LayerEntry.SymbolicLink($"bin/{applet}", "busybox")),
            LayerEntry.File("etc/base-version", LayerEntry.DefaultFileMode, System.Text.Encoding.UTF8.GetBytes($"{version}\n")),
            LayerEntry.Directory("tmp", tmp),
        ];
    }
}
