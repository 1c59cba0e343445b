using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Jobs.Kubernetes;

/// <summary>
/// Runs jobs as Kubernetes <c>batch/v1</c> Jobs. The Job is named after the run and carries the
/// <see cref="JobLabels.Job"/> label and the run's labels as annotations, so a retried launch that meets
/// <c>409 AlreadyExists</c> can tell its own Job from someone else's. Waiting watches the Job from the resource version
/// last seen (a dropped watch resumes there; <c>410 Gone</c> reads the Job afresh), then takes the exit code and log
/// tail from the Job's pod. A pod whose container cannot start (a failed image pull, a missing secret) never ends the
/// Job, so waiting also looks at the Job's pods every so often and gives up, deleting the Job, once a container has
/// waited for such a reason longer than <see cref="KubernetesOptions.StartFailureGrace"/>.
/// </summary>
public sealed partial class KubernetesJobLauncher(
    IKubernetes client,
    KubernetesClientConfiguration configuration,
    IOptions<KubernetesOptions> options,
    ILogger<KubernetesJobLauncher> logger) : IJobLauncher
{
    /// <summary>
    /// The label the Job controller (Kubernetes 1.27+, every supported AKS version) puts on a Job's pods.
    /// </summary>
    public const string PodJobNameLabel = "batch.kubernetes.io/job-name";

    /// <summary>The server ends each watch after this long; the launcher resumes it (a cheap liveness check).</summary>
    private const int WatchTimeoutSeconds = 300;

    /// <summary>Container waiting reasons the kubelet does not get past alone (it retries, but the Job never ends).</summary>
    private static readonly HashSet<string> StartFailureReasons =
        ["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError"];

    private readonly KubernetesOptions _options = options.Value;

    /// <summary>How often waiting looks at the Job's pods: a quarter of the grace, within 250 ms to 30 s.</summary>
    private TimeSpan StartCheckInterval => TimeSpan.FromTicks(Math.Clamp(
        _options.StartFailureGrace.Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(30).Ticks));

    /// <summary>Where jobs run: the configured namespace, else the kubeconfig context's or the pod's, else <c>default</c>.</summary>
    public string Namespace { get; } = FirstNonEmpty(options.Value.Namespace, configuration.Namespace) ?? "default";

    public async Task<JobLaunch> LaunchAsync(JobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var job = KubernetesJobFactory.Create(request, _options);

        try
        {
            await client.BatchV1.CreateNamespacedJobAsync(job, Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // A retried launch (or a concurrent one) created it already, or the name belongs to another Job.
            var existing = await ReadJobAsync(request.JobName, cancellationToken) ?? throw new InvalidOperationException(
                $"The Kubernetes API at {configuration.Host} refused to create Job '{request.JobName}' in namespace " +
                $"'{Namespace}' as a duplicate, but no Job of that name exists now (deleted in between); launch again. " +
                $"{StatusMessage(e)}", e);
            EnsureOurs(request.JobName, existing, request.Labels.GetValueOrDefault(JobLabels.RunId));
            LogFoundExisting(request.JobName, Namespace);
            return new JobLaunch(request.JobName, AlreadyExisted: true);
        }
        catch (HttpOperationException e)
        {
            throw new InvalidOperationException(
                $"The Kubernetes API at {configuration.Host} refused to create Job '{request.JobName}' in namespace " +
                $"'{Namespace}' ({(int)e.Response.StatusCode}): {StatusMessage(e)}", e);
        }

        LogStarted(request.JobName, Namespace, request.Image);
        return new JobLaunch(request.JobName, AlreadyExisted: false);
    }

    public async Task<JobResult> WaitAsync(string jobName, CancellationToken cancellationToken)
    {
        if (!KubernetesNames.IsValidJobName(jobName, out var error))
        {
            throw new ArgumentException(error, nameof(jobName));
        }

        // List, then watch from the list's resource version: the informer pattern, which also recovers from 410 Gone.
        var (found, resourceVersion) = await ListJobAsync(jobName, cancellationToken);
        var job = found ?? throw NotFound(jobName);
        EnsureOurs(jobName, job, runId: null);

        var failures = 0;
        var stuckSince = new Dictionary<string, long>();
        while (Outcome(job) is null)
        {
            Exception? watchError = null;
            var gone = false;
            var delivered = false;
            var sliceEnded = false;

            // Each watch lasts at most one check interval, so a Job that never changes still gets its pods looked at.
            using var slice = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            slice.CancelAfter(StartCheckInterval);
            try
            {
                var events = client.BatchV1.WatchListNamespacedJobAsync(
                    Namespace,
                    fieldSelector: $"metadata.name={jobName}",
                    resourceVersion: resourceVersion,
                    allowWatchBookmarks: true,
                    timeoutSeconds: WatchTimeoutSeconds,
                    onError: e => watchError ??= e,
                    cancellationToken: slice.Token);
                await foreach (var (type, item) in events)
                {
                    resourceVersion = item.Metadata?.ResourceVersion ?? resourceVersion;
                    failures = 0;
                    delivered = true;
                    if (type == WatchEventType.Deleted)
                    {
                        throw new JobNotFoundException(
                            $"Job '{jobName}' in namespace '{Namespace}' was deleted while the launcher waited for it to end.");
                    }

                    if (type is WatchEventType.Added or WatchEventType.Modified && item.Metadata?.Name == jobName)
                    {
                        job = item;
                        if (Outcome(job) is not null) break;
                    }
                }
            }
            catch (Exception e) when (slice.IsCancellationRequested && !cancellationToken.IsCancellationRequested &&
                                      e is OperationCanceledException or IOException or HttpRequestException)
            {
                sliceEnded = true;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone)
            {
                gone = true;
            }
            catch (HttpOperationException e) when ((int)e.Response.StatusCode is >= 400 and < 500 &&
                                                   e.Response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                // Refused (401, 403, 404 of the namespace...): asking again will not help.
                throw new InvalidOperationException(
                    $"The Kubernetes API at {configuration.Host} refused to watch Job '{jobName}' in namespace " +
                    $"'{Namespace}' ({(int)e.Response.StatusCode}): {StatusMessage(e)}", e);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or HttpOperationException &&
                                      !cancellationToken.IsCancellationRequested)
            {
                watchError = e;
            }

            if (Outcome(job) is not null) break;

            sliceEnded |= slice.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
            if (sliceEnded && watchError is not null && !(watchError is KubernetesException { Status.Code: (int)HttpStatusCode.Gone }))
            {
                watchError = null; // The stream broke because this side ended the slice, not the server.
            }

            if (sliceEnded && await StartFailureAsync(job, stuckSince, cancellationToken) is { } startFailure)
            {
                await DeleteJobAsync(jobName, cancellationToken);
                throw new InvalidOperationException(
                    $"Job '{jobName}' in namespace '{Namespace}' cannot start: {startFailure} (waited longer than " +
                    $"Kubernetes:StartFailureGrace = {_options.StartFailureGrace}); the Job was deleted.");
            }

            if (gone || watchError is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
            {
                // The resource version is older than the server keeps: list again and watch from there.
                LogWatchExpired(jobName, resourceVersion);
                (found, resourceVersion) = await ListJobAsync(jobName, cancellationToken);
                job = found ?? throw NotFound(jobName);
                EnsureOurs(jobName, job, runId: null);
                continue;
            }

            if (watchError is not null)
            {
                if (++failures > _options.WatchFailures)
                {
                    throw new InvalidOperationException(
                        $"Watching Job '{jobName}' in namespace '{Namespace}' at {configuration.Host} failed " +
                        $"{failures} times in a row; last: {Describe(watchError)}", watchError);
                }

                LogWatchFailed(jobName, resourceVersion, Describe(watchError));
                await Task.Delay(TimeSpan.FromMilliseconds(200 * failures), cancellationToken);
            }
            else if (!delivered && !sliceEnded)
            {
                // The server closed the watch with nothing new (its timeout, a proxy cutting idle streams): resume
                // where it stopped, without hammering a server that closes at once.
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }

            // Otherwise the server closed the watch after some events (a restart, a proxy): resume where it stopped.
        }

        return await ResultAsync(job, Outcome(job)!.Value, cancellationToken);
    }

    private async Task<JobResult> ResultAsync(V1Job job, bool succeeded, CancellationToken cancellationToken)
    {
        var jobName = job.Metadata.Name;
        var pods = await client.CoreV1.ListNamespacedPodAsync(
            Namespace, labelSelector: $"{PodJobNameLabel}={jobName}", cancellationToken: cancellationToken);

        // The pod that decided the outcome: the newest of this Job's pods whose container ended (a Job that retried
        // has one pod per attempt).
        var pod = pods.Items
            .Where(p => p.Metadata.OwnerReferences is not { Count: > 0 } refs || refs.Any(r => r.Uid == job.Metadata.Uid))
            .Where(p => Terminated(p) is not null)
            .OrderByDescending(p => Terminated(p)!.ExitCode == 0 == succeeded)
            .ThenByDescending(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue)
            .FirstOrDefault();

        var terminated = pod is null ? null : Terminated(pod);
        int exitCode;
        if (terminated is not null)
        {
            exitCode = terminated.ExitCode;
        }
        else if (succeeded)
        {
            // Complete means a pod exited 0; its pod may have been removed since.
            exitCode = 0;
        }
        else
        {
            var condition = job.Status?.Conditions?.FirstOrDefault(c => c.Type == "Failed");
            throw new InvalidOperationException(
                $"Job '{jobName}' in namespace '{Namespace}' failed ({condition?.Reason}: {condition?.Message}) and none " +
                "of its pods has a container that ended, so there is no exit code to report.");
        }

        var tail = pod is null ? [] : await ReadLogTailAsync(pod.Metadata.Name, cancellationToken);
        LogEnded(jobName, exitCode);
        return new JobResult(jobName, exitCode, tail);
    }

    /// <summary>
    /// What keeps one of the Job's containers from starting, once it has waited for a reason in
    /// <see cref="StartFailureReasons"/> longer than the grace (as seen by this wait: the status has no time of its
    /// own); null while none has. A failed look is logged and counts as nothing seen: the next slice looks again.
    /// </summary>
    private async Task<string?> StartFailureAsync(V1Job job, Dictionary<string, long> stuckSince, CancellationToken cancellationToken)
    {
        V1PodList pods;
        try
        {
            pods = await client.CoreV1.ListNamespacedPodAsync(
                Namespace, labelSelector: $"{PodJobNameLabel}={job.Metadata.Name}", cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException &&
                                  !cancellationToken.IsCancellationRequested)
        {
            LogPodCheckFailed(job.Metadata.Name, Describe(e));
            return null;
        }

        var now = Stopwatch.GetTimestamp();
        var stuck = new HashSet<string>();
        foreach (var pod in pods.Items.Where(p => p.Metadata.OwnerReferences is not { Count: > 0 } refs ||
                                                  refs.Any(r => r.Uid == job.Metadata.Uid)))
        {
            var statuses = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []);
            foreach (var status in statuses)
            {
                var waiting = status.State?.Waiting;
                if (waiting?.Reason is null || !StartFailureReasons.Contains(waiting.Reason)) continue;

                var key = $"{pod.Metadata.Uid}/{status.Name}";
                stuck.Add(key);
                if (!stuckSince.TryGetValue(key, out var since)) stuckSince[key] = since = now;
                if (Stopwatch.GetElapsedTime(since, now) >= _options.StartFailureGrace)
                {
                    return $"container '{status.Name}' of pod '{pod.Metadata.Name}' is waiting with {waiting.Reason}: " +
                           (string.IsNullOrWhiteSpace(waiting.Message) ? "(no message)" : waiting.Message.Trim());
                }
            }
        }

        // A container that got past its reason (a pull that recovered) starts its grace afresh if it is stuck again.
        foreach (var key in stuckSince.Keys.Where(k => !stuck.Contains(k)).ToList()) stuckSince.Remove(key);
        return null;
    }

    /// <summary>Deletes a Job that cannot start, with its pods (in the background); one already gone is fine.</summary>
    private async Task DeleteJobAsync(string jobName, CancellationToken cancellationToken)
    {
        try
        {
            await client.BatchV1.DeleteNamespacedJobAsync(
                jobName, Namespace, propagationPolicy: "Background", cancellationToken: cancellationToken);
            LogDeleted(jobName, Namespace);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException &&
                                  !cancellationToken.IsCancellationRequested)
        {
            // The failure to report is the Job's; its TTL does not apply to a Job that never ends, so say so.
            LogDeleteFailed(jobName, Namespace, Describe(e));
        }
    }

    private static V1ContainerStateTerminated? Terminated(V1Pod pod) =>
        pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == KubernetesJobFactory.ContainerName)?.State?.Terminated;

    /// <summary>True when the Job completed, false when it failed, null while it runs (only terminal conditions count).</summary>
    private static bool? Outcome(V1Job job)
    {
        foreach (var condition in job.Status?.Conditions ?? [])
        {
            if (condition.Status != "True") continue;
            if (condition.Type == "Complete") return true;
            if (condition.Type == "Failed") return false;
        }

        return null;
    }

    private async Task<IReadOnlyList<string>> ReadLogTailAsync(string podName, CancellationToken cancellationToken)
    {
        var lines = _options.LogTailLines;
        if (lines <= 0) return [];

        string text;
        try
        {
            await using var stream = await client.CoreV1.ReadNamespacedPodLogAsync(
                podName, Namespace, container: KubernetesJobFactory.ContainerName, tailLines: lines,
                cancellationToken: cancellationToken);
            using var reader = new StreamReader(stream);
            text = await reader.ReadToEndAsync(cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // The pod was removed (TTL, eviction) after it ended: the exit code stands without its log.
            return [];
        }

        var all = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (all.Count > 0 && all[^1].Length == 0) all.RemoveAt(all.Count - 1);
        return all.Count > lines ? all[^lines..] : all;
    }

    /// <summary>The Job of that name (or null) and the resource version of the list, to watch from.</summary>
    private async Task<(V1Job? Job, string ResourceVersion)> ListJobAsync(string jobName, CancellationToken cancellationToken)
    {
        var list = await client.BatchV1.ListNamespacedJobAsync(
            Namespace, fieldSelector: $"metadata.name={jobName}", cancellationToken: cancellationToken);
        return (list.Items.FirstOrDefault(j => j.Metadata?.Name == jobName), list.Metadata.ResourceVersion);
    }

    private async Task<V1Job?> ReadJobAsync(string jobName, CancellationToken cancellationToken)
    {
        try
        {
            return await client.BatchV1.ReadNamespacedJobAsync(jobName, Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Ours when the Job carries our job label with its own name and, when the run id is known, that run id: the name
    /// alone could be another tool's Job, or (after a hash collision of shortened names) another run's.
    /// </summary>
    private void EnsureOurs(string jobName, V1Job job, string? runId)
    {
        var labels = job.Metadata.Labels;
        var annotations = job.Metadata.Annotations;
        var ours = labels is not null && labels.TryGetValue(JobLabels.Job, out var owner) && owner == jobName;
        string? owningRun = null;
        annotations?.TryGetValue(JobLabels.RunId, out owningRun);
        if (ours && (runId is null || owningRun == runId))
        {
            return;
        }

        var whose = ours ? $"run '{owningRun}', not run '{runId}'" : $"not this job (it lacks the label {JobLabels.Job}={jobName})";
        throw new JobNameTakenException(
            $"The Job name '{jobName}' is taken in namespace '{Namespace}' at {configuration.Host} by a Job of {whose}. " +
            "Delete that Job, or launch this job under another name.");
    }

    private JobNotFoundException NotFound(string jobName) =>
        new($"No Job named '{jobName}' exists in namespace '{Namespace}' at {configuration.Host}: it was never " +
            "launched there, or it has been removed (ttlSecondsAfterFinished, or by hand).");

    private static string StatusMessage(HttpOperationException e) =>
        string.IsNullOrWhiteSpace(e.Response.Content) ? e.Message : e.Response.Content.Trim();

    private static string Describe(Exception e) => e switch
    {
        KubernetesException k => $"{k.Status?.Code} {k.Status?.Reason}: {k.Status?.Message}",
        HttpOperationException h => $"{(int)h.Response.StatusCode}: {StatusMessage(h)}",
        _ => e.Message,
    };

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Job {JobName} in namespace {Namespace} from {Image}")]
    private partial void LogStarted(string jobName, string @namespace, string image);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobName} exists already in namespace {Namespace}")]
    private partial void LogFoundExisting(string jobName, string @namespace);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch of Job {JobName} from resource version {ResourceVersion} expired (410 Gone); reading it again")]
    private partial void LogWatchExpired(string jobName, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of Job {JobName} failed after resource version {ResourceVersion}; resuming: {Error}")]
    private partial void LogWatchFailed(string jobName, string resourceVersion, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the pods of Job {JobName} failed; looking again later: {Error}")]
    private partial void LogPodCheckFailed(string jobName, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleted Job {JobName} in namespace {Namespace}: its container cannot start")]
    private partial void LogDeleted(string jobName, string @namespace);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deleting Job {JobName} in namespace {Namespace}, whose container cannot start, failed; delete it by hand: {Error}")]
    private partial void LogDeleteFailed(string jobName, string @namespace, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobName} ended with exit code {ExitCode}")]
    private partial void LogEnded(string jobName, long exitCode);
}
