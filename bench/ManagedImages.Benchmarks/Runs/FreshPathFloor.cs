using Docker.DotNet.Models;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Benchmarks.Runs;

/// <summary>
/// The least a fresh run must do, made directly without orchestration: the same table reads (registration, versions),
/// the registry HEAD of the base tag, and a container create (not started) from the pinned image; then the container
/// is removed. Returns the container's Created timestamp, the same end mark the runs are measured to.
/// </summary>
internal sealed class FreshPathFloor(FreshImageHost host)
{
    private readonly ImageStore _images = host.Services.GetRequiredService<ImageStore>();
    private readonly RegistryClient _registry = host.Services.GetRequiredService<RegistryClient>();

    public async Task<DateTime> CreateOnceAsync(string name, CancellationToken cancellationToken)
    {
        var stored = await _images.GetAsync(host.Nickname, cancellationToken) ?? throw new InvalidOperationException($"{host.Nickname} is not registered.");
        var versions = await _images.GetVersionsAsync(host.Nickname, cancellationToken);
        var current = versions.First(v => v.Number == stored.CurrentVersion);
        _ = await _registry.ResolveDigestAsync(ImageReference.Parse(stored.Registration.Base), cancellationToken)
            ?? throw new InvalidOperationException($"The base {stored.Registration.Base} is gone.");
        var image = ImageReference.Parse(current.Image).WithDigest(Digest.Parse(current.Digest)).ToString();

        var created = await host.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = image,
            Cmd = ["true"],
            Labels = new Dictionary<string, string> { [Jobs.JobLabels.Nickname] = host.Nickname },
            HostConfig = new HostConfig { NetworkMode = "none" },
        }, cancellationToken);
        var inspected = await host.Docker.Containers.InspectContainerAsync(created.ID, cancellationToken);
        await host.Docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
        return CreatedTime.Utc(inspected.Created);
    }
}
