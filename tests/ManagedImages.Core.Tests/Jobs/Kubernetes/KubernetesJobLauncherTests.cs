using System.Text.Json.Nodes;
using k8s;
using ManagedImages.Jobs;
using ManagedImages.Jobs.Kubernetes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ManagedImages.Core.Tests.Jobs.Kubernetes;

/// <summary>The Kubernetes launcher wired as the hosts wire it (AddKubernetesJobLauncher, a kubeconfig) against the in-test API server.</summary>
public sealed class KubernetesJobLauncherTests : IAsyncLifetime
{
    private const string Namespace = "mi-jobs";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private const string ImageDigest = "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";
    private const string BaseDigest = "sha256:1e3b7a2c9d8f6e5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a";
    private const string Image = "127.0.0.1:5000/managed/hello@" + ImageDigest;

    private FakeKubernetesApi _api = null!;
    private string _kubeconfig = null!;
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _kubeconfig = _api.WriteKubeConfig(Namespace);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
        await _api.DisposeAsync();
        File.Delete(_kubeconfig);
    }

    [Fact]
    public async Task A_launch_creates_a_batch_v1_Job_named_after_the_run_with_the_pinned_image_args_env_resources_and_labels()
    {
        var launcher = Launcher(new()
        {
            ["Kubernetes:Requests:Cpu"] = "250m",
            ["Kubernetes:Requests:Memory"] = "64Mi",
            ["Kubernetes:Limits:Memory"] = "256Mi",
            ["Kubernetes:BackoffLimit"] = "1",
            ["Kubernetes:TtlSecondsAfterFinished"] = "600",
            ["Kubernetes:ServiceAccount"] = "runner",
            ["Kubernetes:ImagePullSecrets:0"] = "acr-pull",
        });
        var request = Request("run-shape", args: ["echo", "hi there"], env: new() { ["GREETING"] = "a=b c" });

        var launch = await launcher.LaunchAsync(request, Cancel());

        Assert.Equal(new JobLaunch(request.JobName, AlreadyExisted: false), launch);
        var post = Assert.Single(_api.Requests, r => r.Method == "POST");
        Assert.Equal($"/apis/batch/v1/namespaces/{Namespace}/jobs", post.Path);
        var job = JsonNode.Parse(post.Body)!;
        Assert.Equal(("batch/v1", "Job", request.JobName), (Text(job["apiVersion"]), Text(job["kind"]), Text(job["metadata"]!["name"])));
        var spec = job["spec"]!;
        Assert.Equal((1, 600), (spec["backoffLimit"]!.GetValue<int>(), spec["ttlSecondsAfterFinished"]!.GetValue<int>()));
        var pod = spec["template"]!["spec"]!;
        Assert.Equal(("Never", "runner", false), (Text(pod["restartPolicy"]), Text(pod["serviceAccountName"]), pod["automountServiceAccountToken"]!.GetValue<bool>()));
        Assert.Equal("acr-pull", Text(pod["imagePullSecrets"]![0]!["name"]));
        var container = Assert.Single(pod["containers"]!.AsArray())!;
        Assert.Equal(("job", Image), (Text(container["name"]), Text(container["image"])));
        Assert.Equal(["echo", "hi there"], container["args"]!.AsArray().Select(Text));
        Assert.Equal("GREETING=a=b c", $"{Text(container["env"]![0]!["name"])}={Text(container["env"]![0]!["value"])}");
        Assert.Equal(("250m", "64Mi"), (Text(container["resources"]!["requests"]!["cpu"]), Text(container["resources"]!["requests"]!["memory"])));
        Assert.Equal("256Mi", Text(container["resources"]!["limits"]!["memory"]));
        Assert.Null(container["resources"]!["limits"]!["cpu"]);

        var labels = job["metadata"]!["labels"]!.AsObject();
        Assert.Equal("hello", Text(labels["app.kubernetes.io/name"]));
        Assert.Equal(request.JobName, Text(labels["app.kubernetes.io/instance"]));
        Assert.Equal("v7", Text(labels["app.kubernetes.io/version"]));
        Assert.Equal(("run", "managed-images", "managed-images"),
            (Text(labels["app.kubernetes.io/component"]), Text(labels["app.kubernetes.io/part-of"]), Text(labels["app.kubernetes.io/managed-by"])));
        Assert.Equal((request.JobName, "hello", "7", "run-shape"),
            (Text(labels[JobLabels.Job]), Text(labels[JobLabels.Nickname]), Text(labels[JobLabels.Version]), Text(labels[JobLabels.RunId])));
        // Digests do not fit label values (':' and 71 characters): annotations only.
        Assert.False(labels.ContainsKey(JobLabels.ImageDigest));
        Assert.False(labels.ContainsKey(JobLabels.BaseDigest));
        var annotations = job["metadata"]!["annotations"]!.AsObject();
        Assert.Equal((ImageDigest, BaseDigest, "run-shape"),
            (Text(annotations[JobLabels.ImageDigest]), Text(annotations[JobLabels.BaseDigest]), Text(annotations[JobLabels.RunId])));
        Assert.Equal("hello", Text(spec["template"]!["metadata"]!["labels"]!["app.kubernetes.io/name"]));
    }

    [Fact]
    public async Task The_Job_sent_to_the_API_server_is_valid_against_the_Kubernetes_OpenAPI_schema()
    {
        var launcher = Launcher(new() { ["Kubernetes:ActiveDeadlineSeconds"] = "3600", ["Kubernetes:ImagePullSecrets:0"] = "acr-pull" });
        await launcher.LaunchAsync(Request("run-schema", args: ["sh", "-c", "exit 0"], env: new() { ["A"] = "1" }), Cancel());

        var body = Assert.Single(_api.Requests, r => r.Method == "POST").Body;
        var verdict = await KubernetesSchema.ValidateJobAsync(body);

        Assert.True(verdict.Valid, verdict.Output);
    }

    [Fact]
    public async Task A_runs_resources_replace_the_configured_ones_value_by_value_and_the_Job_stays_schema_valid()
    {
        var launcher = Launcher(new()
        {
            ["Kubernetes:Requests:Cpu"] = "100m",
            ["Kubernetes:Requests:Memory"] = "64Mi",
            ["Kubernetes:Limits:Memory"] = "256Mi",
        });
        var request = Request("run-resources") with
        {
            Resources = new JobResources
            {
                Requests = new Dictionary<string, string> { ["memory"] = "512Mi" },
                Limits = new Dictionary<string, string> { ["memory"] = "1Gi", ["cpu"] = "2" },
            },
        };

        await launcher.LaunchAsync(request, Cancel());

        var body = Assert.Single(_api.Requests, r => r.Method == "POST").Body;
        var resources = JsonNode.Parse(body)!["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!;
        Assert.Equal(("100m", "512Mi"), (Text(resources["requests"]!["cpu"]), Text(resources["requests"]!["memory"])));
        Assert.Equal(("2", "1Gi"), (Text(resources["limits"]!["cpu"]), Text(resources["limits"]!["memory"])));
        var verdict = await KubernetesSchema.ValidateJobAsync(body);
        Assert.True(verdict.Valid, verdict.Output);
    }

    [Fact]
    public async Task A_runs_request_above_the_configured_limit_is_refused_before_any_Job_is_sent_naming_the_setting()
    {
        var launcher = Launcher(new() { ["Kubernetes:Limits:Memory"] = "256Mi" });
        var request = Request("run-over-limit") with
        {
            Resources = new JobResources { Requests = new Dictionary<string, string> { ["memory"] = "1Gi" } },
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => launcher.LaunchAsync(request, Cancel()));

        Assert.Contains("memory request '1Gi' is more than the memory limit '256Mi' (from Kubernetes:Limits)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_api.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task The_schema_check_rejects_a_Job_with_a_non_integer_backoffLimit_and_a_container_without_a_name()
    {
        var job = KubernetesJobFactory.Create(Request("run-broken"), new KubernetesOptions());
        var broken = JsonNode.Parse(KubernetesJson.Serialize(job))!;
        broken["spec"]!["backoffLimit"] = "twice";
        broken["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().Remove("name");

        var verdict = await KubernetesSchema.ValidateJobAsync(broken.ToJsonString());

        Assert.False(verdict.Valid);
        Assert.Contains("/spec/backoffLimit must be integer", verdict.Output, StringComparison.Ordinal);
        Assert.Contains("must have required property name", verdict.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retried_launch_meets_409_AlreadyExists_on_its_own_Job_and_succeeds()
    {
        var launcher = Launcher();
        var request = Request("run-retry");

        var first = await launcher.LaunchAsync(request, Cancel());
        var second = await launcher.LaunchAsync(request, Cancel());

        Assert.Equal((false, true), (first.AlreadyExisted, second.AlreadyExisted));
        Assert.Equal(2, _api.Requests.Count(r => r.Method == "POST"));
        Assert.Equal(request.JobName, Text(_api.Job(Namespace, request.JobName)!["metadata"]!["name"]));
    }

    [Fact]
    public async Task A_409_on_a_Job_of_the_same_name_that_is_not_ours_throws_JobNameTakenException()
    {
        var request = Request("run-taken");
        _api.Seed(Namespace, new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = new JsonObject { ["name"] = request.JobName, ["labels"] = new JsonObject { ["app"] = "someone-else" } },
            ["spec"] = new JsonObject(),
        });

        var error = await Assert.ThrowsAsync<JobNameTakenException>(() => Launcher().LaunchAsync(request, Cancel()));

        Assert.Contains($"The Job name '{request.JobName}' is taken in namespace '{Namespace}'", error.Message, StringComparison.Ordinal);
        Assert.Equal("someone-else", Text(_api.Job(Namespace, request.JobName)!["metadata"]!["labels"]!["app"]));
    }

    [Fact]
    public async Task A_409_on_our_Job_name_made_for_another_run_throws_JobNameTakenException()
    {
        var launcher = Launcher();
        var mine = Request("run-mine");
        await launcher.LaunchAsync(mine, Cancel());
        var other = Request("run-other") with { JobName = mine.JobName };

        var error = await Assert.ThrowsAsync<JobNameTakenException>(() => launcher.LaunchAsync(other, Cancel()));

        Assert.Contains("by a Job of run 'run-mine', not run 'run-other'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_succeeded_Job_reports_exit_code_0_and_the_tail_of_its_pods_log()
    {
        var launcher = Launcher(new() { ["Kubernetes:LogTailLines"] = "3" });
        var request = Request("run-ok");
        await launcher.LaunchAsync(request, Cancel());

        var waiting = launcher.WaitAsync(request.JobName, Cancel());
        await _api.WaitForWatchesAsync(1, Timeout);
        _api.Run(Namespace, request.JobName, exitCode: 0, log: "one\ntwo\nthree\nfour\nfive\n");
        var result = await waiting.WaitAsync(Timeout);

        Assert.Equal((request.JobName, 0), (result.JobName, result.ExitCode));
        Assert.Equal(["three", "four", "five"], result.LogTail);
        var log = Assert.Single(_api.Requests, r => r.Path.EndsWith("/log", StringComparison.Ordinal));
        Assert.Contains("container=job", log.Query, StringComparison.Ordinal);
        Assert.Contains("tailLines=3", log.Query, StringComparison.Ordinal);
        var pods = Assert.Single(_api.Requests, r => r.Path == $"/api/v1/namespaces/{Namespace}/pods");
        Assert.Contains(Uri.EscapeDataString($"batch.kubernetes.io/job-name={request.JobName}"), pods.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_Job_reports_its_pods_exit_code_and_log()
    {
        var launcher = Launcher();
        var request = Request("run-fails");
        await launcher.LaunchAsync(request, Cancel());

        var waiting = launcher.WaitAsync(request.JobName, Cancel());
        await _api.WaitForWatchesAsync(1, Timeout);
        _api.Run(Namespace, request.JobName, exitCode: 3, log: "cannot open /data\n");
        var result = await waiting.WaitAsync(Timeout);

        Assert.Equal((3, "cannot open /data"), (result.ExitCode, Assert.Single(result.LogTail)));
    }

    [Fact]
    public async Task A_Job_that_ended_before_the_wait_is_reported_without_watching()
    {
        var launcher = Launcher();
        var request = Request("run-done");
        await launcher.LaunchAsync(request, Cancel());
        _api.Run(Namespace, request.JobName, exitCode: 0, log: "done\n");

        var result = await launcher.WaitAsync(request.JobName, Cancel());

        Assert.Equal((0, "done"), (result.ExitCode, Assert.Single(result.LogTail)));
        Assert.Empty(_api.Watches);
    }

    [Fact]
    public async Task A_watch_the_server_closes_before_the_Job_ends_is_resumed_from_the_last_resource_version_it_delivered()
    {
        var launcher = Launcher();
        var request = Request("run-closed");
        await launcher.LaunchAsync(request, Cancel());
        _api.WatchesToClose = 1;

        var waiting = launcher.WaitAsync(request.JobName, Cancel());
        await _api.WaitForWatchesAsync(1, Timeout);
        _api.Run(Namespace, request.JobName, exitCode: 0, log: "resumed\n");
        var result = await waiting.WaitAsync(Timeout);

        Assert.Equal((0, "resumed"), (result.ExitCode, Assert.Single(result.LogTail)));
        var watches = _api.Watches.Select(w => long.Parse(QueryValue(w.Query, "resourceVersion"))).ToList();
        Assert.Equal(2, watches.Count);
        // The first watch delivered the Job's first update (active) before it ended: the second starts after it.
        Assert.Equal(watches[0] + 1, watches[1]);
        Assert.All(_api.Watches, w => Assert.Contains(Uri.EscapeDataString($"metadata.name={request.JobName}"), w.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_watch_whose_connection_is_cut_mid_way_is_resumed_and_the_Job_still_reported()
    {
        var launcher = Launcher();
        var request = Request("run-cut");
        await launcher.LaunchAsync(request, Cancel());
        _api.WatchesToDrop = 1;

        var waiting = launcher.WaitAsync(request.JobName, Cancel());
        await _api.WaitForWatchesAsync(1, Timeout);
        _api.Run(Namespace, request.JobName, exitCode: 4, log: "cut\n");
        var result = await waiting.WaitAsync(Timeout);

        Assert.Equal((4, "cut"), (result.ExitCode, Assert.Single(result.LogTail)));
        var watches = _api.Watches.Select(w => long.Parse(QueryValue(w.Query, "resourceVersion"))).ToList();
        Assert.Equal(2, watches.Count);
        // A reset connection may lose the event in flight: the resumed watch starts from the last one the client read.
        Assert.InRange(watches[1], watches[0], watches[0] + 1);
    }

    [Fact]
    public async Task A_watch_answered_with_410_Gone_lists_again_and_watches_from_the_new_resource_version()
    {
        var launcher = Launcher();
        var request = Request("run-expired");
        await launcher.LaunchAsync(request, Cancel());
        _api.WatchesToExpire = 1;

        var waiting = launcher.WaitAsync(request.JobName, Cancel());
        await _api.WaitForWatchesAsync(2, Timeout);
        _api.Run(Namespace, request.JobName, exitCode: 0, log: "relisted\n");
        var result = await waiting.WaitAsync(Timeout);

        Assert.Equal(0, result.ExitCode);
        var calls = _api.Requests.Where(r => r.Path == $"/apis/batch/v1/namespaces/{Namespace}/jobs" && r.Method == "GET")
            .Select(r => r.Query.Contains("watch=true", StringComparison.Ordinal) ? "watch" : "list").ToList();
        Assert.Equal(["list", "watch", "list", "watch"], calls);
        var watches = _api.Watches.Select(w => long.Parse(QueryValue(w.Query, "resourceVersion"))).ToList();
        Assert.True(watches[1] > watches[0], $"the second watch starts from {watches[1]}, not after the expired {watches[0]}");
    }

    [Fact]
    public async Task A_job_that_outlives_the_clients_HTTP_timeout_is_still_watched_to_its_end()
    {
        var request = Request("run-long");
        await Launcher().LaunchAsync(request, Cancel());
        // Each API call of the client is cancelled after HttpClientTimeout (100 s by default): a watch must not be.
        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(_kubeconfig);
        configuration.HttpClientTimeout = TimeSpan.FromSeconds(2);
        using var client = new k8s.Kubernetes(configuration);
        var launcher = new KubernetesJobLauncher(
            client, configuration, Options.Create(new KubernetesOptions()), NullLogger<KubernetesJobLauncher>.Instance);

        var waiting = launcher.WaitAsync(request.JobName, Cancel());
        await _api.WaitForWatchesAsync(1, Timeout);
        await Task.Delay(TimeSpan.FromSeconds(3));
        _api.Run(Namespace, request.JobName, exitCode: 0, log: "slow\n");
        var result = await waiting.WaitAsync(Timeout);

        Assert.Equal((0, "slow"), (result.ExitCode, Assert.Single(result.LogTail)));
        Assert.Single(_api.Watches);
    }

    [Fact]
    public async Task A_wait_cut_short_by_its_token_while_the_Job_runs_ends_promptly_with_OperationCanceledException()
    {
        // AwaitJobActivity waits in slices: the watch must give up when the slice's token fires, not hang or fail otherwise.
        var request = Request("run-sliced");
        var launcher = Launcher();
        await launcher.LaunchAsync(request, Cancel());
        using var slice = new CancellationTokenSource();

        var waiting = launcher.WaitAsync(request.JobName, slice.Token);
        await _api.WaitForWatchesAsync(1, Timeout);
        await slice.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_Job_deleted_while_the_launcher_waits_fails_the_wait_with_JobNotFoundException()
    {
        var launcher = Launcher();
        var request = Request("run-deleted");
        await launcher.LaunchAsync(request, Cancel());

        var waiting = launcher.WaitAsync(request.JobName, Cancel());
        await _api.WaitForWatchesAsync(1, Timeout);
        await _services!.GetRequiredService<IKubernetes>().BatchV1.DeleteNamespacedJobAsync(request.JobName, Namespace);

        var error = await Assert.ThrowsAsync<JobNotFoundException>(() => waiting.WaitAsync(Timeout));
        Assert.Contains("was deleted while the launcher waited", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waiting_for_a_Job_that_does_not_exist_throws_JobNotFoundException_naming_it_and_the_namespace()
    {
        var error = await Assert.ThrowsAsync<JobNotFoundException>(() => Launcher().WaitAsync("mi-never-launched", Cancel()));

        Assert.Contains($"No Job named 'mi-never-launched' exists in namespace '{Namespace}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_request_carries_the_bearer_token_of_the_kubeconfig_and_another_token_is_refused()
    {
        var launcher = Launcher();
        var request = Request("run-auth");
        await launcher.LaunchAsync(request, Cancel());
        _api.Run(Namespace, request.JobName, exitCode: 0, log: "");
        await launcher.WaitAsync(request.JobName, Cancel());

        Assert.True(_api.Requests.Count >= 4);
        Assert.All(_api.Requests, r => Assert.Equal($"Bearer {_api.Token}", r.Authorization));

        File.WriteAllText(_kubeconfig, File.ReadAllText(_kubeconfig).Replace(_api.Token, "stolen", StringComparison.Ordinal));
        await _services!.DisposeAsync();
        _services = null;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Launcher().LaunchAsync(Request("run-auth-2"), Cancel()));
        Assert.Contains("(401)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_namespace_setting_overrides_the_kubeconfig_contexts()
    {
        await Launcher(new() { ["Kubernetes:Namespace"] = "elsewhere" }).LaunchAsync(Request("run-ns"), Cancel());

        Assert.Equal("/apis/batch/v1/namespaces/elsewhere/jobs", Assert.Single(_api.Requests, r => r.Method == "POST").Path);
    }

    [Fact]
    public async Task An_image_not_pinned_by_digest_is_refused_naming_the_field()
    {
        var request = Request("run-tag") with { Image = "127.0.0.1:5000/managed/hello:v7" };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Launcher().LaunchAsync(request, Cancel()));

        Assert.StartsWith("Image: '127.0.0.1:5000/managed/hello:v7' is not pinned by digest", error.Message, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public void A_resource_quantity_that_is_not_one_is_refused_naming_the_setting()
    {
        using var services = new ServiceCollection()
            .AddKubernetesJobLauncher(Configuration(new() { ["Kubernetes:Limits:Memory"] = "lots" }))
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KubernetesOptions>>().Value);

        Assert.Contains("Kubernetes:Requests and Kubernetes:Limits take quantities", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_cluster_authentication_outside_a_pod_is_refused_with_what_to_use_instead()
    {
        using var services = new ServiceCollection().AddLogging()
            .AddKubernetesJobLauncher(Configuration(new() { ["Kubernetes:Authentication"] = "InCluster" }))
            .BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IJobLauncher>());

        Assert.Contains("does not run in a Kubernetes pod", error.Message, StringComparison.Ordinal);
    }

    private KubernetesJobLauncher Launcher(Dictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>(settings ?? []) { ["Kubernetes:KubeConfigPath"] = _kubeconfig };
        _services = new ServiceCollection().AddLogging().AddKubernetesJobLauncher(Configuration(values)).BuildServiceProvider();
        return Assert.IsType<KubernetesJobLauncher>(_services.GetRequiredService<IJobLauncher>());
    }

    private static JobRequest Request(string runId, IReadOnlyList<string>? args = null, Dictionary<string, string>? env = null) =>
        new(JobNames.FromRunId(runId), Image, args ?? [], env ?? [], new Dictionary<string, string>
        {
            [JobLabels.Nickname] = "hello",
            [JobLabels.Version] = "7",
            [JobLabels.RunId] = runId,
            [JobLabels.ImageDigest] = ImageDigest,
            [JobLabels.BaseDigest] = BaseDigest,
        });

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static CancellationToken Cancel() => new CancellationTokenSource(Timeout).Token;

    private static string? Text(JsonNode? node) => node?.GetValue<string>();

    private static string QueryValue(string query, string name) =>
        Uri.UnescapeDataString(query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == name)[1]);
}
