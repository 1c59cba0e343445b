using System.Diagnostics;
using ManagedImages.Jobs;
using ManagedImages.Jobs.Kubernetes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Core.Tests.Jobs.Kubernetes;

/// <summary>
/// A Job whose container cannot start (a failed image pull) never ends on its own: waiting gives up after
/// Kubernetes:StartFailureGrace, and not before, against the in-test API server.
/// </summary>
public sealed class KubernetesStartFailureTests : IAsyncLifetime
{
    private const string Namespace = "mi-jobs";
    private const string Image = "127.0.0.1:5000/managed/hello@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

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
    public async Task A_pod_stuck_in_ImagePullBackOff_beyond_the_grace_ends_the_wait_with_the_reason_and_deletes_the_Job()
    {
        var grace = TimeSpan.FromSeconds(1);
        var launcher = Launcher(grace);
        var request = Request("run-pull-stuck");
        await launcher.LaunchAsync(request, Cancel());
        var pod = _api.Waiting(Namespace, request.JobName, "ImagePullBackOff",
            $"Back-off pulling image \"{Image}\"");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => launcher.WaitAsync(request.JobName, Cancel()));

        Assert.True(clock.Elapsed >= grace, $"gave up after {clock.Elapsed}, within the grace of {grace}");
        Assert.Contains($"pod '{pod}' is waiting with ImagePullBackOff: Back-off pulling image \"{Image}\"", error.Message, StringComparison.Ordinal);
        var delete = Assert.Single(_api.Requests, r => r.Method == "DELETE");
        Assert.Equal($"/apis/batch/v1/namespaces/{Namespace}/jobs/{request.JobName}", delete.Path);
        Assert.Contains("propagationPolicy=Background", delete.Query, StringComparison.Ordinal);
        Assert.Null(_api.Job(Namespace, request.JobName));
    }

    [Fact]
    public async Task A_pull_that_recovers_within_the_grace_runs_to_completion_and_keeps_the_Job()
    {
        var grace = TimeSpan.FromSeconds(2);
        var launcher = Launcher(grace);
        var request = Request("run-pull-recovers");
        await launcher.LaunchAsync(request, Cancel());
        var pod = _api.Waiting(Namespace, request.JobName, "ErrImagePull", "failed to pull: i/o timeout");

        var wait = launcher.WaitAsync(request.JobName, Cancel());
        await PodListsAsync(1); // The launcher saw the container waiting...
        await Task.Delay(grace / 2);
        _api.Running(Namespace, request.JobName, pod);
        var seen = PodLists();
        await PodListsAsync(seen + 1); // ...then running, and keeps waiting past the grace since the first sighting.
        await Task.Delay(grace + TimeSpan.FromMilliseconds(500));
        Assert.False(wait.IsCompleted, "the wait ended while the container ran");
        _api.Run(Namespace, request.JobName, exitCode: 0, log: "hello\n");

        var result = await wait;

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["hello"], result.LogTail);
        Assert.DoesNotContain(_api.Requests, r => r.Method == "DELETE");
        Assert.NotNull(_api.Job(Namespace, request.JobName));
    }

    [Fact]
    public void A_negative_grace_is_refused_naming_the_setting()
    {
        using var services = new ServiceCollection().AddKubernetesJobLauncher(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kubernetes:StartFailureGrace"] = "-00:00:01" }).Build())
            .BuildServiceProvider();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KubernetesOptions>>().Value);

        Assert.Contains("Kubernetes:StartFailureGrace must be", error.Message, StringComparison.Ordinal);
    }

    private int PodLists() => _api.Requests.Count(r => r.Method == "GET" && r.Path == $"/api/v1/namespaces/{Namespace}/pods");

    private async Task PodListsAsync(int count)
    {
        var clock = Stopwatch.StartNew();
        while (PodLists() < count)
        {
            Assert.True(clock.Elapsed < Timeout, $"the launcher did not list the Job's pods {count} times");
            await Task.Delay(50);
        }
    }

    private KubernetesJobLauncher Launcher(TimeSpan grace)
    {
        var values = new Dictionary<string, string?>
        {
            ["Kubernetes:KubeConfigPath"] = _kubeconfig,
            ["Kubernetes:StartFailureGrace"] = grace.ToString(),
        };
        _services = new ServiceCollection().AddLogging()
            .AddKubernetesJobLauncher(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider();
        return Assert.IsType<KubernetesJobLauncher>(_services.GetRequiredService<IJobLauncher>());
    }

    private static JobRequest Request(string runId) =>
        new(JobNames.FromRunId(runId), Image, [], new Dictionary<string, string>(), new Dictionary<string, string> { [JobLabels.RunId] = runId });

    private static CancellationToken Cancel() => new CancellationTokenSource(Timeout).Token;
}
