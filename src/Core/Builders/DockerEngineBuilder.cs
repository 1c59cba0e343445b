using System.Formats.Tar;
using System.Globalization;
using System.Net;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using ManagedImages.Builders.AcrTasks;
using ManagedImages.Builds;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Builders;

/// <summary>
/// Builds package registrations on a Docker engine (the classic builder of its build API): the generated Dockerfile
/// and the files' tar are streamed as the build context, the engine pushes the result under a working tag
/// (<see cref="WorkingTag"/>), and <see cref="AnnotatedManifestPublisher"/> republishes it as the version's OCI manifest with the
/// service's annotations. The installed package versions and the whole log are recorded in
/// <see cref="BuildRecordingStore"/>; a rebuild of the same registration revision pins the recorded versions.
/// </summary>
public sealed partial class DockerEngineBuilder(
    IDockerClient docker,
    AnnotatedManifestPublisher publisher,
    BuildRecordingStore recordings,
    IRegistryCredentialSource credentials,
    RegistryClient registry,
    IOptions<CustomImageOptions> imageOptions,
    IOptions<PackageBuildOptions> buildOptions,
    TimeProvider time,
    ILogger<DockerEngineBuilder> logger) : IPackageImageBuilder
{
    private const int FailureTailLines = 30;
    private readonly CustomImageOptions _images = imageOptions.Value;
    private readonly PackageBuildOptions _builds = buildOptions.Value;

    public async Task<BuiltImage> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!ImageReference.TryParse(request.Registration.Base, out var baseReference, out var error))
            throw new ArgumentException($"base: {error}", nameof(request));
        if (!Digest.TryParse(request.BaseDigest, out var baseDigest))
            throw new ArgumentException($"BaseDigest: '{request.BaseDigest}' is not a digest; expected sha256:<64 lowercase hex digits>.", nameof(request));

        // A retried build finds the version it published before: building again would only make a different digest.
        if (await publisher.FindPublishedAsync(request, cancellationToken) is { } published) return published;

        var log = new EngineBuildLog();
        var recorded = await recordings.FindPinsAsync(request.Nickname, request.Revision, request.Version, cancellationToken);
        var context = await PackageBuildContext.CreateAsync(request, recorded, _builds, cancellationToken);

        var working = new ImageReference(_images.Registry, _images.RepositoryFor(request.Nickname), WorkingTag.For(request.Version), null);
        var workingName = working.ToString();
        log.Add($"Building v{request.Version} of {request.Nickname} (revision {request.Revision}) on the Docker engine as {workingName}");
        if (recorded is not null) log.Add($"Package versions pinned from v{recorded.Version} where the registration does not pin them");
        log.Add("Dockerfile:");
        foreach (var line in context.Dockerfile.TrimEnd('\n').Split('\n')) log.Add("  " + line);

        var clock = time.GetTimestamp();
        string Elapsed() => string.Create(CultureInfo.InvariantCulture, $"(at {time.GetElapsedTime(clock).TotalSeconds:F1} s)");
        try
        {
            var imageId = await RunBuildAsync(request, context, workingName, log, cancellationToken);
            log.Add($"Built {imageId} {Elapsed()}");
            var resolved = await ReadPackageLockAsync(imageId, cancellationToken);
            log.Add(string.Create(CultureInfo.InvariantCulture, $"Recorded {resolved.Apt.Count} apt and {resolved.Pip.Count} pip package versions {Elapsed()}"));

            await PushAsync(working, log, cancellationToken);
            log.Add($"Pushed {workingName} {Elapsed()}");
            var built = await publisher.PublishAsync(request, working, applySettings: context.Notes.Count > 0, cancellationToken);
            log.Add($"Published {built.Image}");
            await CleanUpAsync(working, workingName, log, cancellationToken);
            log.Add($"Done {Elapsed()}");

            await recordings.SaveAsync(
                new BuildRecording(request.Nickname, request.Version, request.Revision, request.BaseDigest, true, resolved, time.GetUtcNow()),
                log.Lines(), cancellationToken);
            LogBuilt(request.Nickname, request.Version, built.Image);
            return built;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.Add("The build was cancelled (its time limit passed or the service is stopping)");
            await SaveFailureAsync(request, log);
            throw;
        }
        catch (Exception e) when (e is ImageBuildFailedException or ImageTagConflictException)
        {
            await SaveFailureAsync(request, log);
            throw;
        }
        catch (Exception e) when (e is DockerApiException or InvalidOperationException or RegistryException or HttpRequestException or IOException
            or TimeoutException or OperationCanceledException)
        {
            // An OperationCanceledException here is the engine client's own request timeout, not the caller's token.
            log.Add("ERROR: " + e.Message);
            await SaveFailureAsync(request, log);
            throw new ImageBuildFailedException($"The build of v{request.Version} of '{request.Nickname}' failed: {e.Message}", log.Tail(FailureTailLines));
        }
    }

    private async Task<string> RunBuildAsync(BuildRequest request, PackageBuildContext context, string tag, EngineBuildLog log, CancellationToken cancellationToken)
    {
        await using var tar = await WriteContextAsync(context, cancellationToken);
        var parameters = new ImageBuildParameters
        {
            Dockerfile = PackageBuildContext.DockerfileName,
            Tags = [tag],
            NetworkMode = _builds.Docker.NetworkMode,
            // Intermediate containers go even when a step fails or the build is cancelled.
            Remove = true,
            ForceRemove = true,
            BuildArgs = new Dictionary<string, string>(context.Arguments),
        };
        var auth = await AuthConfigsAsync(request, cancellationToken);
        try
        {
            await docker.Images.BuildImageFromDockerfileAsync(parameters, tar, auth, new Dictionary<string, string>(), log, cancellationToken);
        }
        catch (DockerApiException e)
        {
            log.Add("ERROR: " + e.ResponseBody.Trim());
            throw new ImageBuildFailedException(
                $"The Docker engine refused the build of v{request.Version} of '{request.Nickname}': {e.ResponseBody.Trim()}", log.Tail(FailureTailLines));
        }

        if (log.Error is { } failure)
        {
            throw new ImageBuildFailedException(
                $"The Docker engine could not build v{request.Version} of '{request.Nickname}': {failure}", log.Tail(FailureTailLines));
        }

        // The engine names the image it built; older engines only print it, so the tag is the fallback.
        if (log.ImageId is { Length: > 0 } id) return id;
        var image = await docker.Images.InspectImageAsync(tag, cancellationToken);
        return image.ID;
    }

    /// <summary>The build context as the engine takes it: a tar of the Dockerfile and the context's files.</summary>
    private static async Task<MemoryStream> WriteContextAsync(PackageBuildContext context, CancellationToken cancellationToken)
    {
        var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            await WriteFileAsync(writer, PackageBuildContext.DockerfileName, Encoding.UTF8.GetBytes(context.Dockerfile), cancellationToken);
            foreach (var (name, bytes) in context.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
                await WriteFileAsync(writer, name, bytes, cancellationToken);
        }
        tar.Position = 0;
        return tar;
    }

    private static async Task WriteFileAsync(TarWriter tar, string name, byte[] content, CancellationToken cancellationToken)
    {
        using var data = new MemoryStream(content, writable: false);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = (UnixFileMode)0b110_100_100,
            ModificationTime = DateTimeOffset.UnixEpoch,
            DataStream = data,
        };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }

    /// <summary>Reads the package lock the build wrote, from a container that is created but never started.</summary>
    private async Task<ResolvedPackages> ReadPackageLockAsync(string imageId, CancellationToken cancellationToken)
    {
        var created = await docker.Containers.CreateContainerAsync(
            new CreateContainerParameters { Image = imageId, Cmd = ["true"], NetworkDisabled = true }, cancellationToken);
        try
        {
            GetArchiveFromContainerResponse archive;
            try
            {
                archive = await docker.Containers.GetArchiveFromContainerAsync(
                    created.ID, new GetArchiveFromContainerParameters { Path = ResolvedPackages.LockPath }, statOnly: false, cancellationToken);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return ResolvedPackages.Empty;
            }

            // The lock is a few KiB: read the whole archive, then the one file in it.
            using var buffer = new MemoryStream();
            await using (var stream = archive.Stream) await stream.CopyToAsync(buffer, cancellationToken);
            buffer.Position = 0;
            using var reader = new TarReader(buffer);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                using var text = new StreamReader(entry.DataStream, Encoding.UTF8);
                return ResolvedPackages.ParseLock(await text.ReadToEndAsync(cancellationToken));
            }
            return ResolvedPackages.Empty;
        }
        finally
        {
            await docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
    }

    private async Task PushAsync(ImageReference working, EngineBuildLog log, CancellationToken cancellationToken)
    {
        var push = new PushProgress();
        var auth = await AuthConfigAsync(working.Registry, cancellationToken) ?? new AuthConfig();
        await docker.Images.PushImageAsync(working.Name, new ImagePushParameters { Tag = working.Tag }, auth, push, cancellationToken);
        if (push.Error is { } failure)
        {
            log.Add("ERROR: " + failure);
            throw new ImageBuildFailedException($"The Docker engine built {working} but could not push it: {failure}", log.Tail(FailureTailLines));
        }
    }

    /// <summary>Drops the working tag from the registry and the engine's copy of the image; the published version keeps every blob.</summary>
    private async Task CleanUpAsync(ImageReference working, string workingName, EngineBuildLog log, CancellationToken cancellationToken)
    {
        try
        {
            if (await registry.ResolveDigestAsync(working, cancellationToken) is { } digest)
                await registry.DeleteManifestAsync(working.WithDigest(digest), cancellationToken);
        }
        catch (RegistryException e)
        {
            // Registries may refuse deletes; the working tag is only clutter.
            log.Add($"The working tag {working} stays in the registry: {e.Message}");
        }
        if (!_builds.Docker.RemoveAfterPush) return;
        try
        {
            await docker.Images.DeleteImageAsync(workingName, new ImageDeleteParameters { Force = true }, cancellationToken);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or TimeoutException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The version is published: a copy the engine could not drop only takes disk until its next prune.
            log.Add($"The engine keeps its copy of {workingName}: {e.Message}");
        }
    }

    private async Task SaveFailureAsync(BuildRequest request, EngineBuildLog log)
    {
        try
        {
            await recordings.SaveAsync(
                new BuildRecording(request.Nickname, request.Version, request.Revision, request.BaseDigest, false, ResolvedPackages.Empty, time.GetUtcNow()),
                log.Lines(), CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The failure itself is what the caller must hear about; a lost log is only logged.
            LogRecordingFailed(e, request.Nickname, request.Version);
        }
    }

    private async Task<AuthConfig?> AuthConfigAsync(string registryHost, CancellationToken cancellationToken)
    {
        var credential = await credentials.GetCredentialAsync(registryHost, cancellationToken);
        if (credential is null) return null;
        if (!string.IsNullOrEmpty(credential.RefreshToken)) return new AuthConfig { ServerAddress = registryHost, IdentityToken = credential.RefreshToken };
        return credential.HasPassword ? new AuthConfig { ServerAddress = registryHost, Username = credential.Username, Password = credential.Password } : null;
    }

    /// <summary>Credentials for pulling the base during the build (and for the custom registry), where configured.</summary>
    private async Task<List<AuthConfig>> AuthConfigsAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        var hosts = new[] { ImageReference.Parse(request.Registration.Base).Registry, _images.Registry }.Distinct(StringComparer.OrdinalIgnoreCase);
        var configs = new List<AuthConfig>();
        foreach (var host in hosts)
        {
            if (await AuthConfigAsync(host, cancellationToken) is { } config) configs.Add(config);
        }
        return configs;
    }

    /// <summary>A push's progress: only its first error matters (it arrives in a successful response).</summary>
    private sealed class PushProgress : IProgress<JSONMessage>
    {
        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            var error = value.Error?.Message ?? value.ErrorMessage;
            if (!string.IsNullOrEmpty(error)) Error ??= error;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Built v{Version} of {Nickname} on the Docker engine: {Image}")]
    private partial void LogBuilt(string nickname, int version, string image);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the failed build of v{Version} of {Nickname}")]
    private partial void LogRecordingFailed(Exception exception, string nickname, int version);
}
