using ManagedImages.Builders.AcrTasks;
using ManagedImages.Builds;
using ManagedImages.Oci;
using Microsoft.Extensions.Options;

namespace ManagedImages.Builders;

/// <summary>
/// Package builds on ACR Tasks (Builds:PackageBuilder = "AcrTasks"): the same build context as the Docker engine gets
/// (<see cref="PackageBuildContext"/>: pinned packages, files tar, source arguments) handed to <see cref="AcrTasksBuilder"/>;
/// the installed versions are then read from the pushed image's layers and recorded like a Docker engine build's.
/// ACR keeps the run's full log; the recording keeps the Dockerfile and, for a failed run, the tail ACR gave.
/// </summary>
public sealed class AcrTasksPackageBuilder(
    AcrTasksBuilder acr,
    PackageLockReader locks,
    BuildRecordingStore recordings,
    IOptions<PackageBuildOptions> options,
    TimeProvider time) : IPackageImageBuilder
{
    public async Task<BuiltImage> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var recorded = await recordings.FindPinsAsync(request.Nickname, request.Revision, request.Version, cancellationToken);
        var context = await PackageBuildContext.CreateAsync(request, recorded, options.Value, cancellationToken);
        if (context.Notes.Count > 0)
        {
            // ACR Tasks publishes the image as built: a setting the Dockerfile cannot hold would be lost.
            throw new ImageBuildFailedException(
                $"v{request.Version} of '{request.Nickname}' cannot be built on ACR Tasks: {string.Join("; ", context.Notes)}. " +
                "Remove the line breaks from those values, or build with Builds:PackageBuilder = \"Docker\".", []);
        }

        var log = new List<string> { $"Building v{request.Version} of {request.Nickname} (revision {request.Revision}) on ACR Tasks" };
        if (recorded is not null) log.Add($"Package versions pinned from v{recorded.Version} where the registration does not pin them");
        log.Add("Dockerfile:");
        log.AddRange(context.Dockerfile.TrimEnd('\n').Split('\n').Select(l => "  " + l));
        BuiltImage built;
        try
        {
            built = await acr.BuildAsync(request, new AcrBuildContext(context.Dockerfile, context.Files, context.Arguments), cancellationToken);
        }
        catch (AcrRunFailedException e)
        {
            log.Add("ERROR: " + e.Message);
            log.AddRange(e.LogTail);
            await recordings.SaveAsync(new BuildRecording(request.Nickname, request.Version, request.Revision, request.BaseDigest, false, ResolvedPackages.Empty, time.GetUtcNow()),
                log, CancellationToken.None);
            throw;
        }

        var packages = await locks.ReadAsync(ImageReference.Parse(built.Image), cancellationToken) ?? ResolvedPackages.Empty;
        log.Add($"Published {built.Image}; the run's full log is kept by ACR Tasks");
        await recordings.SaveAsync(new BuildRecording(request.Nickname, request.Version, request.Revision, request.BaseDigest, true, packages, time.GetUtcNow()),
            log, cancellationToken);
        return built;
    }
}
