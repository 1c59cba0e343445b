using Docker.DotNet.Models;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Benchmarks.Runs;

/// <summary>
/// The least a fresh run must do, made directly without orchestration: the same table reads (registration, versions),
/// the registry HEAD of the base tag, and a container create from the pinned image; optionally also the container's
/// start and the wait for it to exit, as the job launcher does. The end mark is the container's Created timestamp, the
/// same the runs are measured to. The caller removes the container (<see cref="RemoveAsync"/>), outside its timing.
/// </summary>
internal sealed class FreshPathFloor(FreshImageHost host)
{
    private readonly ImageStore _images = host.Services.GetRequiredService<ImageStore>();
    private readonly RegistryClient _registry = host.Services.GetRequiredService<RegistryClient>();

    /// <summary>Creates the container (and with <paramref name="start"/> starts it and waits for it to exit).</summary>
    public async Task<FloorContainer> RunOnceAsync(string name, bool start, CancellationToken cancellationToken)
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
        if (start)
        {
            await host.Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
            var exited = await host.Docker.Containers.WaitContainerAsync(created.ID, cancellationToken);
            if (exited.StatusCode != 0)
                throw new InvalidOperationException($"Floor container {name} exited with {exited.StatusCode}.");
        }
        var inspected = await host.Docker.Containers.InspectContainerAsync(created.ID, cancellationToken);
        return new FloorContainer(created.ID, CreatedTime.Utc(inspected.Created));
    }

    public Task RemoveAsync(FloorContainer container, CancellationToken cancellationToken) =>
        host.Docker.Containers.RemoveContainerAsync(container.Id, new ContainerRemoveParameters { Force = true }, cancellationToken);
}
