using System.Globalization;
using System.Net;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using ManagedImages.Oci;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Jobs;

/// <summary>
/// Runs jobs as containers on a Docker engine. The container's name is the job name and it carries the
/// <see cref="JobLabels.Job"/> label, so a retried launch finds the container it started instead of starting another.
/// At most <see cref="DockerOptions.MaxConcurrentStarts"/> launches talk to the engine at once.
/// </summary>
public sealed partial class DockerJobLauncher(IDockerClient docker, IOptions<DockerOptions> options, ILogger<DockerJobLauncher> logger)
    : IJobLauncher, IDisposable
{
    private readonly DockerOptions _options = options.Value;
    private readonly SemaphoreSlim _starts = new(options.Value.MaxConcurrentStarts);

    public async Task<JobLaunch> LaunchAsync(JobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var image = Validate(request);

        // A burst of launches (a build many runs waited for ends) queues here rather than on the engine.
        await _starts.WaitAsync(cancellationToken);
        try
        {
            return await LaunchBoundedAsync(request, image, cancellationToken);
        }
        finally
        {
            _starts.Release();
        }
    }

    public void Dispose() => _starts.Dispose();

    private async Task<JobLaunch> LaunchBoundedAsync(JobRequest request, ImageReference image, CancellationToken cancellationToken)
    {
        // A retry usually finds its container: look before pulling anything.
        if (await FindContainerAsync(request.JobName, cancellationToken) is { } existing)
        {
            return await ResumeExistingAsync(request.JobName, existing, startIfCreated: true, cancellationToken);
        }

        await EnsureImageAsync(image, cancellationToken);

        string id;
        try
        {
            var created = await docker.Containers.CreateContainerAsync(CreateParameters(request), cancellationToken);
            id = created.ID;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Another launch of the same job won the race between our look-up and the create; it starts the container
            // itself (starting it here too could rerun a job that already ended in between).
            var raced = await FindRacedContainerAsync(request.JobName, cancellationToken)
                ?? throw new InvalidOperationException(
                    $"The Docker engine refused to create job container '{request.JobName}' as a duplicate, " +
                    $"but no container of that name exists now: {e.ResponseBody}", e);
            return await ResumeExistingAsync(request.JobName, raced, startIfCreated: false, cancellationToken);
        }

        await docker.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);
        LogStarted(request.JobName, id, request.Image);
        return new JobLaunch(request.JobName, AlreadyExisted: false);
    }

    public async Task<JobResult> WaitAsync(string jobName, CancellationToken cancellationToken)
    {
        if (!JobNames.IsValidContainerName(jobName, out var error))
        {
            throw new ArgumentException(error, nameof(jobName));
        }

        var container = await FindContainerAsync(jobName, cancellationToken) ?? throw NotFound(jobName);
        EnsureOurs(jobName, container);

        long exitCode;
        try
        {
            // Returns at once when the container has exited already.
            var waited = await docker.Containers.WaitContainerAsync(container.ID, cancellationToken);
            exitCode = waited.StatusCode;
        }
        catch (DockerContainerNotFoundException e)
        {
            throw NotFound(jobName, e);
        }

        // The engine's wait also returns at once for a container that was never started.
        if (container.State?.Status == "created" &&
            (await FindContainerAsync(jobName, cancellationToken))?.State?.Status == "created")
        {
            throw new InvalidOperationException(
                $"Job container '{jobName}' was created but never started (a launch stopped half-way); " +
                "launch the job again to start it.");
        }

        var tail = await ReadLogTailAsync(container, cancellationToken);

        if (!_options.KeepContainers)
        {
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }

        LogEnded(jobName, exitCode);
        return new JobResult(jobName, checked((int)exitCode), tail);
    }

    private static ImageReference Validate(JobRequest request)
    {
        if (!JobNames.IsValidContainerName(request.JobName, out var error))
        {
            throw new ArgumentException($"JobName: {error}", nameof(request));
        }

        if (!ImageReference.TryParse(request.Image, out var image, out error))
        {
            throw new ArgumentException($"Image: {error}", nameof(request));
        }

        foreach (var name in request.Env.Keys)
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Env: '{name}' is not an environment variable name; use a non-empty name without '=' or NUL", nameof(request));
            }
        }

        if (request.Labels.TryGetValue(JobLabels.Job, out var jobLabel) && jobLabel != request.JobName)
        {
            throw new ArgumentException(
                $"Labels[{JobLabels.Job}]: '{jobLabel}' differs from the job name '{request.JobName}'; the launcher sets " +
                "this label itself, leave it out", nameof(request));
        }

        return image;
    }

    private CreateContainerParameters CreateParameters(JobRequest request)
    {
        var labels = new Dictionary<string, string>(request.Labels) { [JobLabels.Job] = request.JobName };
        return new CreateContainerParameters
        {
            Name = request.JobName,
            Image = request.Image,
            // Like `docker run image args...`: args replace the image's Cmd and go to its entrypoint; none keep the Cmd.
            Cmd = request.Args.Count > 0 ? [.. request.Args] : null,
            Env = [.. request.Env.Select(e => $"{e.Key}={e.Value}")],
            Labels = labels,
            HostConfig = new HostConfig
            {
                NetworkMode = _options.NetworkMode,
                // A container has limits only; requests are a scheduler's reservation, which one engine does not make.
                Memory = Limit(request, JobResources.Memory) is { } memory ? (long)decimal.Ceiling(memory) : 0,
                NanoCPUs = Limit(request, JobResources.Cpu) is { } cpu ? (long)decimal.Ceiling(cpu * 1_000_000_000m) : 0,
            },
        };
    }

    private static decimal? Limit(JobRequest request, string name) =>
        request.Resources?.Limits.TryGetValue(name, out var quantity) == true ? JobResourcesValidator.Value(quantity) : null;

    /// <summary>Pulls the image unless the engine has it; a pinned digest is pulled as exactly that manifest.</summary>
    private async Task EnsureImageAsync(ImageReference image, CancellationToken cancellationToken)
    {
        var reference = image.ToString();
        if (await HasImageAsync(reference, cancellationToken))
        {
            return;
        }

        var messages = new PullMessages();
        var pull = new ImagesCreateParameters
        {
            FromImage = image.Name,
            // The engine takes a digest in the tag parameter; without either it would pull every tag.
            Tag = image.Digest?.ToString() ?? image.TagOrDefault,
        };
        try
        {
            await docker.Images.CreateImageAsync(pull, null, messages, cancellationToken);
        }
        catch (DockerApiException e)
        {
            throw new InvalidOperationException($"The Docker engine could not pull {reference}: {e.ResponseBody.Trim()}", e);
        }

        // Pull failures arrive as messages in a successful response: the image's presence is what tells.
        if (!await HasImageAsync(reference, cancellationToken))
        {
            throw new InvalidOperationException(
                $"The Docker engine could not pull {reference}: {messages.Error ?? "the image is still missing after the pull"}");
        }

        LogPulled(reference);
    }

    private async Task<bool> HasImageAsync(string reference, CancellationToken cancellationToken)
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

    /// <summary>The container named exactly <paramref name="jobName"/>, or null.</summary>
    private async Task<ContainerInspectResponse?> FindContainerAsync(string jobName, CancellationToken cancellationToken)
    {
        try
        {
            var container = await docker.Containers.InspectContainerAsync(jobName, cancellationToken);
            // The engine also resolves ID prefixes; only a container of that very name counts.
            return container.Name == "/" + jobName ? container : null;
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// The container a concurrent create is making: the engine reserves the name before the container can be inspected,
    /// so a lost race may see a 404 for a moment.
    /// </summary>
    private async Task<ContainerInspectResponse?> FindRacedContainerAsync(string jobName, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (await FindContainerAsync(jobName, cancellationToken) is { } container) return container;
            if (DateTimeOffset.UtcNow > deadline) return null;
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private async Task<JobLaunch> ResumeExistingAsync(
        string jobName, ContainerInspectResponse container, bool startIfCreated, CancellationToken cancellationToken)
    {
        EnsureOurs(jobName, container);

        // A launch that failed between create and start left a created container: start it. (An exited container
        // is never started again: that would run the job twice.)
        if (startIfCreated && container.State?.Status == "created")
        {
            await docker.Containers.StartContainerAsync(container.ID, new ContainerStartParameters(), cancellationToken);
            LogStarted(jobName, container.ID, container.Config?.Image ?? "");
        }

        LogFoundExisting(jobName, container.ID, container.State?.Status ?? "unknown");
        return new JobLaunch(jobName, AlreadyExisted: true);
    }

    private void EnsureOurs(string jobName, ContainerInspectResponse container)
    {
        if (container.Config?.Labels is { } labels && labels.TryGetValue(JobLabels.Job, out var owner) && owner == jobName)
        {
            return;
        }

        throw new JobNameTakenException(
            $"The container name '{jobName}' is taken on the Docker engine at {_options.Host} by container " +
            $"{ShortId(container.ID)} ({container.Config?.Image}), which is not this job (it lacks the label " +
            $"{JobLabels.Job}={jobName}). Remove or rename that container, or launch the job under another name.");
    }

    private async Task<IReadOnlyList<string>> ReadLogTailAsync(ContainerInspectResponse container, CancellationToken cancellationToken)
    {
        var lines = _options.LogTailLines;
        if (lines <= 0)
        {
            return [];
        }

        var tty = container.Config?.Tty ?? false;
        var parameters = new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Tail = lines.ToString(CultureInfo.InvariantCulture),
        };
        using var stream = await docker.Containers.GetContainerLogsAsync(container.ID, tty, parameters, cancellationToken);

        // Frames of stdout and stderr arrive in the order written; each keeps its own decoder so a character split
        // across two frames of one stream survives a frame of the other in between.
        var text = new StringBuilder();
        var decoders = new Dictionary<MultiplexedStream.TargetStream, Decoder>();
        var bytes = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        while (true)
        {
            var read = await stream.ReadOutputAsync(bytes, 0, bytes.Length, cancellationToken);
            if (read.EOF)
            {
                break;
            }

            if (!decoders.TryGetValue(read.Target, out var decoder))
            {
                decoders[read.Target] = decoder = Encoding.UTF8.GetDecoder();
            }

            var count = decoder.GetChars(bytes, 0, read.Count, chars, 0);
            text.Append(chars, 0, count);
        }

        var all = text.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (all.Count > 0 && all[^1].Length == 0)
        {
            all.RemoveAt(all.Count - 1);
        }

        return all.Count > lines ? all[^lines..] : all;
    }

    private JobNotFoundException NotFound(string jobName, Exception? inner = null)
    {
        var message = $"No job container named '{jobName}' exists on the Docker engine at {_options.Host}: " +
                      "it was never launched there, or it has been removed.";
        return inner is null ? new JobNotFoundException(message) : new JobNotFoundException(message, inner);
    }

    private static string ShortId(string id) => id.Length > 12 ? id[..12] : id;

    /// <summary>Keeps the first error of a pull's progress messages, as they arrive (not via a sync context).</summary>
    private sealed class PullMessages : IProgress<JSONMessage>
    {
        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            var error = value.Error?.Message ?? value.ErrorMessage;
            if (!string.IsNullOrEmpty(error))
            {
                Error ??= error;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started job {JobName} as container {ContainerId} from {Image}")]
    private partial void LogStarted(string jobName, string containerId, string image);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobName} exists already as container {ContainerId} ({Status})")]
    private partial void LogFoundExisting(string jobName, string containerId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pulled {Image}")]
    private partial void LogPulled(string image);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobName} ended with exit code {ExitCode}")]
    private partial void LogEnded(string jobName, long exitCode);
}
