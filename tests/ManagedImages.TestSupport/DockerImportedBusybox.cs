using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace ManagedImages.TestSupport;

/// <summary>
/// Tiny base images made with the Docker engine alone (not our layer writer, so the launcher's tests do not depend on
/// it): a one-layer rootfs holding the host's static busybox, imported, pushed to the stack's registry, then removed
/// locally so a launch by digest has to pull it.
/// </summary>
public static class DockerImportedBusybox
{
    /// <summary>An image in the registry: the tag it was pushed as and its reference pinned by digest.</summary>
    public sealed record PushedImage(string Tag, string ByDigest, string ImageId);

    /// <summary>Imports and pushes <c>{registry}/it-jobs-{guid8}/base:1</c>; the engine keeps no local copy.</summary>
    public static async Task<PushedImage> CreateAsync(IDockerClient docker, string registry, CancellationToken cancellationToken)
    {
        var repository = $"{registry}/it-jobs-{Guid.NewGuid().ToString("N")[..8]}/base";
        const string tag = "1";
        var tagged = $"{repository}:{tag}";

        using (var rootfs = await BusyboxRootfsAsync(cancellationToken))
        {
            var import = new ImagesCreateParameters { FromSrc = "-", Repo = repository, Tag = tag };
            var importMessages = new EngineErrors();
            await docker.Images.CreateImageAsync(import, rootfs, null, importMessages, cancellationToken);
            importMessages.ThrowIfFailed($"importing {tagged}");
        }

        var pushMessages = new EngineErrors();
        await docker.Images.PushImageAsync(tagged, new ImagePushParameters { Tag = tag }, new AuthConfig(), pushMessages, cancellationToken);
        pushMessages.ThrowIfFailed($"pushing {tagged}");

        var image = await docker.Images.InspectImageAsync(tagged, cancellationToken);
        var byDigest = image.RepoDigests?.FirstOrDefault(d => d.StartsWith(repository + "@", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The engine reports no repository digest for {tagged} after pushing it");

        await RemoveLocalAsync(docker, image.ID, cancellationToken);
        return new PushedImage(tagged, byDigest, image.ID);
    }

    /// <summary>Removes the engine's copy of an image (all its names) if it has one.</summary>
    public static async Task RemoveLocalAsync(IDockerClient docker, string imageId, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Images.DeleteImageAsync(imageId, new ImageDeleteParameters { Force = true }, cancellationToken);
        }
        catch (DockerImageNotFoundException)
        {
        }
    }

    public static async Task<bool> IsPresentLocallyAsync(IDockerClient docker, string reference, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Images.InspectImageAsync(reference, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    private static async Task<MemoryStream> BusyboxRootfsAsync(CancellationToken cancellationToken)
    {
        BusyboxImage.RequireBusybox();

        const UnixFileMode Mode755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                       UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
                                       UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        var stream = new MemoryStream();
        await using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "bin/") { Mode = Mode755 }, cancellationToken);
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "tmp/") { Mode = Mode755 | UnixFileMode.StickyBit | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite }, cancellationToken);

            await using var busybox = File.OpenRead(BusyboxImage.BusyboxPath);
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = Mode755, DataStream = busybox }, cancellationToken);
            foreach (var applet in BusyboxImage.Applets)
            {
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, $"bin/{applet}") { LinkName = "busybox" }, cancellationToken);
            }
        }

        stream.Position = 0;
        return stream;
    }
}
