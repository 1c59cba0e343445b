using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Core.Tests.Jobs.Kubernetes;

/// <summary>
/// An in-test Kubernetes API server for the calls the Kubernetes launcher makes, as the API documents them: create,
/// read, list, delete and watch of <c>batch/v1</c> Jobs (newline-delimited watch events after a resourceVersion, an
/// ERROR event with a 410 Status for an expired one), pods listed by label selector, and a pod's log with tailLines.
/// Errors are Status objects (404 NotFound, 409 AlreadyExists, 401 Unauthorized). Every request must carry the bearer
/// token of <see cref="WriteKubeConfig"/>. The test plays the Job controller and kubelet with
/// <see cref="RunAsync"/>. Kestrel on a free loopback port.
/// </summary>
internal sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _jobs = [];
    private readonly Dictionary<string, JsonObject> _pods = [];
    private readonly Dictionary<string, string> _logs = [];
    private readonly List<(long Version, string Type, string Key, JsonObject Object)> _history = [];
    private TaskCompletionSource _changed = NewSignal();
    private TaskCompletionSource _watchStarted = NewSignal();
    private long _resourceVersion = 1000;
    private int _watches;

    private FakeKubernetesApi(WebApplication app)
    {
        _app = app;
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The bearer token the server accepts (a test may hand it a token an identity issues).</summary>
    public string Token { get; set; } = "k8s-token-" + Guid.NewGuid().ToString("N");

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>The next this many watches are cut (the connection aborted) after sending one event.</summary>
    public int WatchesToDrop { get; set; }

    /// <summary>The next this many watches end (the response completes) after sending one event, before the Job ends.</summary>
    public int WatchesToClose { get; set; }

    /// <summary>The next this many watches answer with an ERROR event: 410 Gone, the resourceVersion is too old.</summary>
    public int WatchesToExpire { get; set; }

    public IEnumerable<ReceivedRequest> Watches => Requests.Where(r => r.Query.Contains("watch=true", StringComparison.Ordinal));

    /// <summary>Starts on plain http, or on https with <paramref name="certificate"/> as the server certificate.</summary>
    public static async Task<FakeKubernetesApi> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null) listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        var api = new FakeKubernetesApi(app);
        api.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        api.Endpoint = new Uri(address);
        return api;
    }

    /// <summary>A kubeconfig whose current context reaches this server with its bearer token.</summary>
    public string WriteKubeConfig(string @namespace)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Endpoint.ToString().TrimEnd('/')}
            users:
            - name: tester
              user:
                token: {Token}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: tester
                namespace: {@namespace}
            current-context: fake
            """);
        return path;
    }

    /// <summary>Puts a Job in place as if another tool (or an earlier launch) had created it.</summary>
    public void Seed(string @namespace, JsonObject job)
    {
        lock (_gate) Create(@namespace, job);
    }

    public JsonObject? Job(string @namespace, string name)
    {
        lock (_gate) return _jobs.TryGetValue($"{@namespace}/{name}", out var job) ? (JsonObject)job.DeepClone() : null;
    }

    /// <summary>Completes when at least <paramref name="count"/> watches have started.</summary>
    public async Task WaitForWatchesAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task started;
            lock (_gate)
            {
                if (_watches >= count) return;
                started = _watchStarted.Task;
            }

            await started.WaitAsync(cts.Token);
        }
    }

    /// <summary>
    /// Plays the Job controller and kubelet for one attempt: the Job becomes active with a pod, the pod's container ends
    /// with <paramref name="exitCode"/> after writing <paramref name="log"/>, then the Job gets its interim condition
    /// (SuccessCriteriaMet or FailureTarget) and finally Complete or Failed. Each step is a watch event.
    /// </summary>
    public void Run(string @namespace, string name, int exitCode, string log)
    {
        lock (_gate)
        {
            var key = $"{@namespace}/{name}";
            var job = _jobs[key];
            var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            job["status"] = new JsonObject { ["active"] = 1, ["startTime"] = now, ["ready"] = 0 };
            Modified(key, job);

            // The pod that Waiting started, if any, is the one whose container now ends.
            var podName = PendingPod(@namespace, name) ?? $"{name}-{Guid.NewGuid():N}"[..(name.Length + 6)];
            _pods[$"{@namespace}/{podName}"] = Pod(@namespace, name, podName, exitCode == 0 ? "Succeeded" : "Failed", new JsonObject
            {
                ["terminated"] = new JsonObject
                {
                    ["exitCode"] = exitCode,
                    ["reason"] = exitCode == 0 ? "Completed" : "Error",
                    ["startedAt"] = now,
                    ["finishedAt"] = now,
                    ["containerID"] = "containerd://" + Guid.NewGuid().ToString("N"),
                },
            });
            _logs[$"{@namespace}/{podName}"] = log;

            var succeeded = exitCode == 0;
            var interim = succeeded ? "SuccessCriteriaMet" : "FailureTarget";
            var conditions = new JsonArray(Condition(interim, succeeded ? "CompletionsReached" : "BackoffLimitExceeded", now));
            job["status"] = new JsonObject
            {
                ["startTime"] = now,
                [succeeded ? "succeeded" : "failed"] = 1,
                ["terminating"] = 0,
                ["ready"] = 0,
                ["conditions"] = conditions,
            };
            Modified(key, job);

            conditions.Add(Condition(succeeded ? "Complete" : "Failed", succeeded ? "CompletionsReached" : "BackoffLimitExceeded", now));
            if (succeeded) job["status"]!["completionTime"] = now;
            Modified(key, job);
        }
    }

    /// <summary>
    /// Plays the Job controller and a kubelet that cannot start the container: the Job becomes active with one Pending
    /// pod whose container waits with <paramref name="reason"/> and <paramref name="message"/> (as for a failed image
    /// pull). The Job itself does not change again. Returns the pod's name.
    /// </summary>
    public string Waiting(string @namespace, string name, string reason, string message)
    {
        lock (_gate)
        {
            var key = $"{@namespace}/{name}";
            var job = _jobs[key];
            var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            job["status"] = new JsonObject { ["active"] = 1, ["startTime"] = now, ["ready"] = 0 };
            Modified(key, job);

            var podName = $"{name}-{Guid.NewGuid():N}"[..(name.Length + 6)];
            _pods[$"{@namespace}/{podName}"] = Pod(@namespace, name, podName, "Pending",
                new JsonObject { ["waiting"] = new JsonObject { ["reason"] = reason, ["message"] = message } });
            return podName;
        }
    }

    /// <summary>Plays the kubelet getting past a waiting reason: the pod's container runs.</summary>
    public void Running(string @namespace, string name, string podName)
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            _pods[$"{@namespace}/{podName}"] = Pod(@namespace, name, podName, "Running",
                new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } });
        }
    }

    private string? PendingPod(string @namespace, string name) => _pods
        .Where(p => p.Key.StartsWith(@namespace + "/", StringComparison.Ordinal) &&
                    p.Value["metadata"]!["labels"]!["batch.kubernetes.io/job-name"]?.GetValue<string>() == name &&
                    p.Value["status"]!["containerStatuses"]![0]!["state"]!["terminated"] is null)
        .Select(p => p.Value["metadata"]!["name"]!.GetValue<string>())
        .FirstOrDefault();

    /// <summary>A pod of the Job as the Job controller creates it, its one container in <paramref name="state"/>.</summary>
    private JsonObject Pod(string @namespace, string name, string podName, string phase, JsonObject state)
    {
        var job = _jobs[$"{@namespace}/{name}"];
        var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var uid = job["metadata"]!["uid"]!.GetValue<string>();
        var spec = job["spec"]!["template"]!["spec"]!.DeepClone();
        var container = spec["containers"]![0]!;
        var running = state.ContainsKey("running");
        var earlier = _pods.GetValueOrDefault($"{@namespace}/{podName}")?["metadata"];
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = podName,
                ["namespace"] = @namespace,
                ["uid"] = earlier?["uid"]?.GetValue<string>() ?? Guid.NewGuid().ToString(),
                ["resourceVersion"] = Next(),
                ["creationTimestamp"] = earlier?["creationTimestamp"]?.GetValue<string>() ?? now,
                ["labels"] = new JsonObject
                {
                    ["batch.kubernetes.io/controller-uid"] = uid,
                    ["batch.kubernetes.io/job-name"] = name,
                    ["controller-uid"] = uid,
                    ["job-name"] = name,
                },
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "batch/v1",
                    ["kind"] = "Job",
                    ["name"] = name,
                    ["uid"] = uid,
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                }),
            },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["phase"] = phase,
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = container["name"]!.GetValue<string>(),
                    ["image"] = container["image"]!.GetValue<string>(),
                    // A waiting container has no image ID yet (nothing was pulled).
                    ["imageID"] = state.ContainsKey("waiting") ? "" : container["image"]!.GetValue<string>(),
                    ["ready"] = running,
                    ["restartCount"] = 0,
                    ["started"] = running,
                    ["state"] = state,
                }),
            },
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var body = "";
            if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                body = await reader.ReadToEndAsync(context.RequestAborted);
            }

            var authorization = context.Request.Headers.Authorization.ToString();
            Requests.Enqueue(new ReceivedRequest(
                context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "", authorization,
                context.Request.ContentType, body));
            if (authorization != $"Bearer {Token}")
            {
                await WriteStatus(context, HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized");
                return;
            }

            context.Items["body"] = body;
            await next(context);
        });

        const string jobs = "/apis/batch/v1/namespaces/{ns}/jobs";
        app.MapPost(jobs, (HttpContext c, string ns) => CreateJob(c, ns));
        app.MapGet(jobs, (HttpContext c, string ns) => c.Request.Query["watch"] == "true" ? WatchJobs(c, ns) : ListJobs(c, ns));
        app.MapGet(jobs + "/{name}", (HttpContext c, string ns, string name) => ReadJob(c, ns, name));
        app.MapDelete(jobs + "/{name}", (HttpContext c, string ns, string name) => DeleteJob(c, ns, name));
        app.MapGet("/api/v1/namespaces/{ns}/pods", (HttpContext c, string ns) => ListPods(c, ns));
        app.MapGet("/api/v1/namespaces/{ns}/pods/{name}/log", (HttpContext c, string ns, string name) => PodLog(c, ns, name));
    }

    private async Task CreateJob(HttpContext context, string ns)
    {
        var job = JsonNode.Parse((string)context.Items["body"]!)!.AsObject();
        var name = job["metadata"]?["name"]?.GetValue<string>();
        JsonObject created;
        lock (_gate)
        {
            if (name is not null && _jobs.ContainsKey($"{ns}/{name}"))
            {
                created = null!;
            }
            else
            {
                created = Create(ns, job);
            }
        }

        if (created is null)
        {
            await WriteStatus(context, HttpStatusCode.Conflict, "AlreadyExists", $"jobs.batch \"{name}\" already exists",
                new JsonObject { ["name"] = name, ["group"] = "batch", ["kind"] = "jobs" });
            return;
        }

        await WriteJson(context, HttpStatusCode.Created, created);
    }

    private JsonObject Create(string ns, JsonObject job)
    {
        var metadata = job["metadata"]!.AsObject();
        metadata["namespace"] = ns;
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["resourceVersion"] = Next();
        metadata["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        metadata["generation"] = 1;
        job["status"] = new JsonObject();
        var key = $"{ns}/{metadata["name"]!.GetValue<string>()}";
        _jobs[key] = job;
        Record("ADDED", key, job);
        return (JsonObject)job.DeepClone();
    }

    private async Task ReadJob(HttpContext context, string ns, string name)
    {
        var job = Job(ns, name);
        if (job is null)
        {
            await NotFound(context, "jobs.batch", name);
            return;
        }

        await WriteJson(context, HttpStatusCode.OK, job);
    }

    private async Task ListJobs(HttpContext context, string ns)
    {
        var name = FieldSelectorName(context);
        JsonObject list;
        lock (_gate)
        {
            var items = _jobs.Where(j => j.Key.StartsWith(ns + "/", StringComparison.Ordinal))
                .Where(j => name is null || j.Key == $"{ns}/{name}")
                .Select(j => (JsonNode)j.Value.DeepClone());
            list = new JsonObject
            {
                ["apiVersion"] = "batch/v1",
                ["kind"] = "JobList",
                ["metadata"] = new JsonObject { ["resourceVersion"] = Current() },
                ["items"] = new JsonArray([.. items]),
            };
        }

        await WriteJson(context, HttpStatusCode.OK, list);
    }

    private async Task DeleteJob(HttpContext context, string ns, string name)
    {
        var key = $"{ns}/{name}";
        JsonObject? job;
        lock (_gate)
        {
            if (_jobs.Remove(key, out job))
            {
                // The garbage collector removes the Job's pods, unless asked to orphan them.
                if (context.Request.Query["propagationPolicy"] != "Orphan")
                {
                    foreach (var pod in _pods.Where(p => p.Key.StartsWith(ns + "/", StringComparison.Ordinal) &&
                                                         p.Value["metadata"]!["labels"]!["batch.kubernetes.io/job-name"]?.GetValue<string>() == name).ToList())
                    {
                        _pods.Remove(pod.Key);
                    }
                }

                job["metadata"]!["resourceVersion"] = Next();
                Record("DELETED", key, job);
            }
        }

        if (job is null)
        {
            await NotFound(context, "jobs.batch", name);
            return;
        }

        await WriteJson(context, HttpStatusCode.OK, job);
    }

    /// <summary>
    /// Events after the given resourceVersion for the selected Job, then new ones as they happen, one JSON object per
    /// line, until timeoutSeconds passes (a clean end the client resumes from).
    /// </summary>
    private async Task WatchJobs(HttpContext context, string ns)
    {
        var name = FieldSelectorName(context);
        var from = long.Parse(context.Request.Query["resourceVersion"].ToString() is { Length: > 0 } rv ? rv : "0", CultureInfo.InvariantCulture);
        var timeout = int.TryParse(context.Request.Query["timeoutSeconds"], out var seconds) ? seconds : 1800;
        bool drop, close, expire;
        lock (_gate)
        {
            _watches++;
            _watchStarted.TrySetResult();
            _watchStarted = NewSignal();
            drop = WatchesToDrop > 0 && WatchesToDrop-- > 0;
            close = !drop && WatchesToClose > 0 && WatchesToClose-- > 0;
            expire = !drop && !close && WatchesToExpire > 0 && WatchesToExpire-- > 0;
            if (expire) Next(); // Time moved on: a fresh list returns a newer resourceVersion.
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        if (expire)
        {
            var status = Status(HttpStatusCode.Gone, "Expired", $"too old resource version: {from} ({Current()})");
            await WriteLine(context, new JsonObject { ["type"] = "ERROR", ["object"] = status });
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeout));
        try
        {
            while (true)
            {
                List<(long Version, string Type, string Key, JsonObject Object)> pending;
                Task changed;
                lock (_gate)
                {
                    pending = [.. _history.Where(e => e.Version > from && e.Key.StartsWith(ns + "/", StringComparison.Ordinal) &&
                                                      (name is null || e.Key == $"{ns}/{name}"))];
                    changed = _changed.Task;
                }

                foreach (var e in pending)
                {
                    await WriteLine(context, new JsonObject { ["type"] = e.Type, ["object"] = e.Object.DeepClone() });
                    from = e.Version;
                    if (drop)
                    {
                        // The connection breaks mid-watch (an API server restart, a load balancer's idle cut). The
                        // pause lets the client read the event first: a reset discards data the client has not read.
                        await Task.Delay(DropDelay, CancellationToken.None);
                        context.Abort();
                        return;
                    }

                    if (close) return;
                }

                await changed.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // timeoutSeconds passed, or the client went away.
        }
    }

    private async Task ListPods(HttpContext context, string ns)
    {
        var selector = context.Request.Query["labelSelector"].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Split('=', 2))
            .ToList();
        JsonObject list;
        lock (_gate)
        {
            var items = _pods.Where(p => p.Key.StartsWith(ns + "/", StringComparison.Ordinal))
                .Where(p => selector.All(s => p.Value["metadata"]!["labels"]?[s[0]]?.GetValue<string>() == s[1]))
                .Select(p => (JsonNode)p.Value.DeepClone());
            list = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "PodList",
                ["metadata"] = new JsonObject { ["resourceVersion"] = Current() },
                ["items"] = new JsonArray([.. items]),
            };
        }

        await WriteJson(context, HttpStatusCode.OK, list);
    }

    private async Task PodLog(HttpContext context, string ns, string name)
    {
        string? log;
        lock (_gate) _logs.TryGetValue($"{ns}/{name}", out log);
        if (log is null)
        {
            await NotFound(context, "pods", name);
            return;
        }

        if (int.TryParse(context.Request.Query["tailLines"], out var tail))
        {
            var lines = log.Split('\n');
            if (lines[^1].Length == 0) lines = lines[..^1];
            log = string.Concat(lines.Skip(Math.Max(0, lines.Length - tail)).Select(l => l + "\n"));
        }

        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(log);
    }

    private static string? FieldSelectorName(HttpContext context)
    {
        var selector = context.Request.Query["fieldSelector"].ToString();
        return selector.StartsWith("metadata.name=", StringComparison.Ordinal) ? selector["metadata.name=".Length..] : null;
    }

    private void Modified(string key, JsonObject job)
    {
        job["metadata"]!["resourceVersion"] = Next();
        Record("MODIFIED", key, job);
    }

    private void Record(string type, string key, JsonObject job)
    {
        _history.Add((long.Parse(job["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture), type, key,
            (JsonObject)job.DeepClone()));
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private string Next() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private string Current()
    {
        lock (_gate) return _resourceVersion.ToString(CultureInfo.InvariantCulture);
    }

    private static JsonObject Condition(string type, string reason, string now) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["reason"] = reason,
        ["message"] = reason == "BackoffLimitExceeded" ? "Job has reached the specified backoff limit" : "Reached expected number of succeeded pods",
        ["lastProbeTime"] = now,
        ["lastTransitionTime"] = now,
    };

    private static Task NotFound(HttpContext context, string resource, string name) =>
        WriteStatus(context, HttpStatusCode.NotFound, "NotFound", $"{resource} \"{name}\" not found",
            new JsonObject { ["name"] = name, ["kind"] = resource.Split('.')[0] });

    private static JsonObject Status(HttpStatusCode code, string reason, string message, JsonObject? details = null) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["details"] = details,
        ["code"] = (int)code,
    };

    private static Task WriteStatus(HttpContext context, HttpStatusCode code, string reason, string message, JsonObject? details = null) =>
        WriteJson(context, code, Status(code, reason, message, details));

    private static async Task WriteJson(HttpContext context, HttpStatusCode code, JsonNode body)
    {
        context.Response.StatusCode = (int)code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static async Task WriteLine(HttpContext context, JsonObject watchEvent)
    {
        await context.Response.WriteAsync(watchEvent.ToJsonString(JsonOptions) + "\n");
        await context.Response.Body.FlushAsync();
    }

    private static readonly JsonSerializerOptions JsonOptions = new();

    private static readonly TimeSpan DropDelay = TimeSpan.FromMilliseconds(200);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal sealed record ReceivedRequest(string Method, string Path, string Query, string Authorization, string? ContentType, string Body);
}
