using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.TestSupport;

namespace ManagedImages.IntegrationTests.Layers;

/// <summary>A busybox base tag that was pushed twice: <see cref="Tag"/> points to <see cref="Version2"/> now.</summary>
public sealed record TwoVersionBase(ImageReference Tag, Descriptor Version1, Descriptor Version2)
{
    public Descriptor Version(int version) => version == 1 ? Version1 : Version2;

    /// <summary>Pushes version 1, then version 2, of a busybox base under one tag of a new repository.</summary>
    public static async Task<TwoVersionBase> PushAsync(ScratchImage scratch, string registry, CancellationToken cancellationToken)
    {
        var tag = new ImageReference(registry, $"{UniqueNames.Of("it-bases")}/busybox", "stable", null);
        var version1 = await BusyboxImage.PushAsync(scratch, tag, "1", cancellationToken);
        var version2 = await BusyboxImage.PushAsync(scratch, tag, "2", cancellationToken);
        return new TwoVersionBase(tag, version1, version2);
    }
}
