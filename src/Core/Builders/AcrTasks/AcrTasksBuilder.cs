using ManagedImages.Builds;
using ManagedImages.Oci;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Builders.AcrTasks;

/// <summary>
/// Builds a Dockerfile on ACR Tasks: uploads the context through <c>listBuildSourceUploadUrl</c>, schedules a Docker
/// build run that pushes <c>{prefix}/{nickname}:build-vN</c> to the registry, follows the run to its end and publishes
/// the pushed image as version N through <see cref="AnnotatedManifestPublisher"/>. A failed run fails with the tail of
/// its log; a run that outlives <see cref="AcrTasksOptions.Timeout"/>, or whose caller gives up, is cancelled.
/// The webhook for the working tag's push can complete the same build first (see AcrPushNotifications): both publish the
/// same manifest and the build record takes the first completion only.
/// </summary>
public sealed partial class AcrTasksBuilder(
    AcrTasksClient acr,
    AnnotatedManifestPublisher publisher,
    IOptions<AcrTasksOptions> options,
    IOptions<CustomImageOptions> imageOptions,
    TimeProvider time,
    ILogger<AcrTasksBuilder> logger)
{
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(30);

    private readonly AcrTasksOptions _options = options.Value;
    private readonly CustomImageOptions _images = imageOptions.Value;

    public async Task<BuiltImage> BuildAsync(BuildRequest request, AcrBuildContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        // A retried build finds the version it published before: a second run would only make another digest.
        if (await publisher.FindPublishedAsync(request, cancellationToken) is { } published) return published;

        using var limit = new CancellationTokenSource(_options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        var repository = _images.RepositoryFor(request.Nickname);
        var workingTag = WorkingTag.For(request.Version);
        string? runId = null;
        try
        {
            var upload = await acr.GetSourceUploadUrlAsync(linked.Token);
            await acr.UploadSourceAsync(new Uri(upload.UploadUrl!), await SourceArchive.WriteAsync(context, linked.Token), linked.Token);

            var run = await acr.ScheduleRunAsync(RunRequest(context, $"{repository}:{workingTag}", upload.RelativePath!), linked.Token);
            runId = run.RunId!;
            LogScheduled(runId, request.Nickname, request.Version);
            while (!AcrRunStatus.IsTerminal(run.Status))
            {
                var (current, retryAfter) = await acr.GetRunAsync(runId, linked.Token);
                run = current;
                if (!AcrRunStatus.IsTerminal(run.Status)) await Task.Delay(retryAfter ?? _options.PollInterval, time, linked.Token);
            }

            if (!AcrRunStatus.IsSucceeded(run.Status))
            {
                var why = run.Properties?.RunErrorMessage is { Length: > 0 } error ? $": {error}" : "";
                throw new AcrRunFailedException(runId, run.Status!,
                    $"The ACR Tasks run {runId} building v{request.Version} of '{request.Nickname}' ended {run.Status}{why}",
                    await LogTailAsync(runId, linked.Token));
            }

            var pushed = PushedImage(run, repository, workingTag);
            var built = await publisher.PublishAsync(request, pushed, linked.Token);
            LogBuilt(runId, request.Nickname, request.Version, built.Image);
            return built;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested || cancellationToken.IsCancellationRequested)
        {
            if (runId is not null) await CancelAsync(runId);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new AcrRunFailedException(runId ?? "(not scheduled)", AcrRunStatus.Canceled,
                $"The ACR Tasks {(runId is null ? "build" : $"run {runId}")} of v{request.Version} of '{request.Nickname}' did not finish within " +
                $"{_options.Timeout} ({AcrTasksOptions.Section}:Timeout) and was cancelled",
                runId is null ? [] : await LogTailAsync(runId, CancellationToken.None));
        }
    }

    private DockerBuildRequest RunRequest(AcrBuildContext context, string imageName, string sourceLocation) =>
        new([imageName], sourceLocation, RunPlatform.From(Platform.Parse(_options.Platform)), _options.RunTimeoutSeconds)
        {
            DockerFilePath = AcrBuildContext.DockerfileName,
            Arguments = context.Arguments.Count == 0
                ? null
                : [.. context.Arguments.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new RunArgument(a.Key, a.Value))],
            AgentConfiguration = _options.AgentCpu is { } cpu ? new AgentProperties(cpu) : null,
        };

    /// <summary>The working tag's image among the run's outputs, pinned by the digest the run reports.</summary>
    private ImageReference PushedImage(AcrRun run, string repository, string workingTag)
    {
        var outputs = run.Properties?.OutputImages ?? [];
        var image = outputs.FirstOrDefault(o => o.Repository == repository && o.Tag == workingTag)
            ?? throw new AcrRunFailedException(run.RunId!, run.Status!,
                $"The ACR Tasks run {run.RunId} succeeded but reports no image {repository}:{workingTag} among its outputs " +
                $"({(outputs.Count == 0 ? "none" : string.Join(", ", outputs.Select(o => $"{o.Repository}:{o.Tag}")))})", []);
        var registry = image.Registry is { Length: > 0 } r ? r : _images.Registry;
        return Digest.TryParse(image.Digest, out var digest)
            ? new ImageReference(registry, repository, null, digest)
            : new ImageReference(registry, repository, workingTag, null);
    }

    private async Task<IReadOnlyList<string>> LogTailAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(CancelGrace);
            var link = await acr.GetLogLinkAsync(runId, bounded.Token);
            return link is null ? ["(the run has no log link)"] : await acr.ReadLogTailAsync(link, _options.LogTailLines, bounded.Token);
        }
        catch (Exception e) when (e is HttpRequestException or ArmRequestException or OperationCanceledException or IOException)
        {
            // The failure is what matters; its log is a help.
            LogNoLog(e, runId);
            return [$"(the run log could not be read: {e.Message})"];
        }
    }

    /// <summary>Cancels the run so it stops costing and pushing; on a best-effort basis, the caller is already giving up.</summary>
    private async Task CancelAsync(string runId)
    {
        try
        {
            using var grace = new CancellationTokenSource(CancelGrace);
            await acr.CancelRunAsync(runId, grace.Token);
            LogCancelled(runId);
        }
        catch (Exception e) when (e is HttpRequestException or ArmRequestException or OperationCanceledException)
        {
            LogCancelFailed(e, runId, _options.RunTimeoutSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled ACR Tasks run {RunId} for v{Version} of {Nickname}")]
    private partial void LogScheduled(string runId, string nickname, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "ACR Tasks run {RunId} built v{Version} of {Nickname}: {Image}")]
    private partial void LogBuilt(string runId, string nickname, int version, string image);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled ACR Tasks run {RunId}")]
    private partial void LogCancelled(string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not cancel ACR Tasks run {RunId}; ACR stops it after its own timeout of {Seconds} s")]
    private partial void LogCancelFailed(Exception exception, string runId, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the log of ACR Tasks run {RunId}")]
    private partial void LogNoLog(Exception exception, string runId);
}
