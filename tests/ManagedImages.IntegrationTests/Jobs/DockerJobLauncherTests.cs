using Docker.DotNet.Models;
using ManagedImages.Jobs;
using ManagedImages.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ManagedImages.IntegrationTests.Jobs;

[Trait("Category", "Stack")]
public sealed class DockerJobLauncherTests(DockerJobsFixture fixture) : IClassFixture<DockerJobsFixture>
{
    // A guard against hangs only; each test takes a few seconds.
    private static CancellationTokenSource Timeout() => new(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task A_job_runs_with_its_args_env_and_labels_and_reports_its_exit_code_and_log()
    {
        using var timeout = Timeout();
        var name = fixture.NewJobName();
        var labels = fixture.Labels("hello-job");
        var request = new JobRequest(
            name,
            fixture.Base.ByDigest,
            ["sh", "-c", "echo hello $NAME; echo to stderr >&2; exit 3"],
            new Dictionary<string, string> { ["NAME"] = "world" },
            labels);

        var launch = await fixture.Launcher.LaunchAsync(request, timeout.Token);
        var result = await fixture.Launcher.WaitAsync(name, timeout.Token);

        Assert.Equal(new JobLaunch(name, AlreadyExisted: false), launch);
        Assert.Equal(name, result.JobName);
        Assert.Equal(3, result.ExitCode);
        // The engine copies stdout and stderr separately: both arrive, in an order it does not promise.
        Assert.Equal(["hello world", "to stderr"], result.LogTail.Order(StringComparer.Ordinal));

        var container = await fixture.Docker.Containers.InspectContainerAsync(name, timeout.Token);
        Assert.Contains("NAME=world", container.Config.Env);
        Assert.Equal(name, container.Config.Labels[JobLabels.Job]);
        foreach (var (key, value) in labels)
        {
            Assert.Equal(value, container.Config.Labels[key]);
        }

        Assert.Equal("none", container.HostConfig.NetworkMode);
    }

    [Fact]
    public async Task A_runs_memory_and_cpu_limits_reach_the_container_and_its_cgroup_and_requests_are_ignored()
    {
        using var timeout = Timeout();
        var name = fixture.NewJobName();
        var request = new JobRequest(
            name,
            fixture.Base.ByDigest,
            // cgroup v2 names the limit memory.max, v1 memory.limit_in_bytes.
            ["sh", "-c", "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes"],
            new Dictionary<string, string>(),
            fixture.Labels())
        {
            Resources = new JobResources
            {
                Requests = new Dictionary<string, string> { ["memory"] = "32Mi" },
                Limits = new Dictionary<string, string> { ["memory"] = "64Mi", ["cpu"] = "500m" },
            },
        };

        await fixture.Launcher.LaunchAsync(request, timeout.Token);
        var result = await fixture.Launcher.WaitAsync(name, timeout.Token);

        var container = await fixture.Docker.Containers.InspectContainerAsync(name, timeout.Token);
        Assert.Equal((64L * 1024 * 1024, 500_000_000L), (container.HostConfig.Memory, container.HostConfig.NanoCPUs));
        Assert.Equal((0, "67108864"), (result.ExitCode, Assert.Single(result.LogTail)));
    }

    [Fact]
    public async Task A_run_without_resources_gets_no_limits()
    {
        using var timeout = Timeout();
        var name = fixture.NewJobName();

        await fixture.Launcher.LaunchAsync(
            new JobRequest(name, fixture.Base.ByDigest, ["sh", "-c", "exit 0"], new Dictionary<string, string>(), fixture.Labels()), timeout.Token);

        var container = await fixture.Docker.Containers.InspectContainerAsync(name, timeout.Token);
        Assert.Equal((0L, 0L), (container.HostConfig.Memory, container.HostConfig.NanoCPUs));
        await fixture.Launcher.WaitAsync(name, timeout.Token);
    }

    [Fact]
    public async Task A_launch_pulls_the_image_by_digest_when_the_engine_lacks_it()
    {
        using var timeout = Timeout();
        var image = await fixture.CreateBaseAsync(timeout.Token);
        Assert.False(await DockerImportedBusybox.IsPresentLocallyAsync(fixture.Docker, image.ByDigest, timeout.Token));
        var name = fixture.NewJobName();

        await fixture.Launcher.LaunchAsync(
            new JobRequest(name, image.ByDigest, ["echo", "pulled"], new Dictionary<string, string>(), fixture.Labels()),
            timeout.Token);
        var result = await fixture.Launcher.WaitAsync(name, timeout.Token);

        Assert.True(await DockerImportedBusybox.IsPresentLocallyAsync(fixture.Docker, image.ByDigest, timeout.Token));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["pulled"], result.LogTail);
    }

    [Fact]
    public async Task The_log_tail_keeps_only_the_last_lines()
    {
        using var timeout = Timeout();
        using var launcher = new DockerJobLauncher(
            fixture.Docker,
            Options.Create(new DockerOptions { Host = LocalStack.DockerHost, LogTailLines = 5 }),
            NullLogger<DockerJobLauncher>.Instance);
        var name = fixture.NewJobName();

        await launcher.LaunchAsync(
            new JobRequest(
                name,
                fixture.Base.ByDigest,
                ["sh", "-c", "i=1; while [ $i -le 30 ]; do echo line $i; i=$((i+1)); done"],
                new Dictionary<string, string>(),
                fixture.Labels()),
            timeout.Token);
        var result = await launcher.WaitAsync(name, timeout.Token);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["line 26", "line 27", "line 28", "line 29", "line 30"], result.LogTail);
    }

    [Fact]
    public async Task A_retried_launch_finds_its_job_and_starts_no_second_container()
    {
        using var timeout = Timeout();
        var name = fixture.NewJobName();
        var request = new JobRequest(name, fixture.Base.ByDigest, ["echo", "ran"], new Dictionary<string, string>(), fixture.Labels());

        // Concurrent launches (two activity attempts at once), then one more after the job ended.
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => fixture.Launcher.LaunchAsync(request, timeout.Token)));
        var first = await fixture.Launcher.WaitAsync(name, timeout.Token);
        var retried = await fixture.Launcher.LaunchAsync(request, timeout.Token);
        var second = await fixture.Launcher.WaitAsync(name, timeout.Token);

        Assert.Single(concurrent, l => !l.AlreadyExisted);
        Assert.True(retried.AlreadyExisted);
        Assert.Single(await fixture.ContainersLabelledAsync(JobLabels.Job, name, timeout.Token));
        // One run only: a restarted container would have logged twice.
        Assert.Equal(["ran"], first.LogTail);
        Assert.Equal(["ran"], second.LogTail);
    }

    [Fact]
    public async Task A_retry_starts_the_container_a_failed_launch_created_but_did_not_start()
    {
        using var timeout = Timeout();
        var name = fixture.NewJobName();
        await CreateUnstartedJobAsync(name, ["echo", "resumed"], timeout.Token);

        var launch = await fixture.Launcher.LaunchAsync(
            new JobRequest(name, fixture.Base.ByDigest, ["echo", "resumed"], new Dictionary<string, string>(), fixture.Labels()),
            timeout.Token);
        var result = await fixture.Launcher.WaitAsync(name, timeout.Token);

        Assert.True(launch.AlreadyExisted);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["resumed"], result.LogTail);
    }

    [Fact]
    public async Task Waiting_for_a_job_that_was_created_but_never_started_fails_clearly()
    {
        using var timeout = Timeout();
        var name = fixture.NewJobName();
        await CreateUnstartedJobAsync(name, ["echo", "never"], timeout.Token);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Launcher.WaitAsync(name, timeout.Token));

        Assert.Contains("created but never started", error.Message, StringComparison.Ordinal);
        Assert.Contains("launch the job again", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_taken_by_a_foreign_container_is_refused_with_a_clear_message()
    {
        using var timeout = Timeout();
        var name = fixture.NewJobName();
        await PullBaseAsync(timeout.Token);
        await fixture.Docker.Containers.CreateContainerAsync(
            new CreateContainerParameters
            {
                Name = name,
                Image = fixture.Base.ByDigest,
                Cmd = ["echo", "foreign"],
                Labels = new Dictionary<string, string> { [DockerJobsFixture.TestRunLabel] = fixture.TestRun },
            },
            timeout.Token);

        var request = new JobRequest(name, fixture.Base.ByDigest, ["echo", "ours"], new Dictionary<string, string>(), fixture.Labels());
        var error = await Assert.ThrowsAsync<JobNameTakenException>(() => fixture.Launcher.LaunchAsync(request, timeout.Token));
        var waitError = await Assert.ThrowsAsync<JobNameTakenException>(() => fixture.Launcher.WaitAsync(name, timeout.Token));

        Assert.Contains($"'{name}' is taken", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{JobLabels.Job}={name}", error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, waitError.Message);
        var foreign = await fixture.Docker.Containers.InspectContainerAsync(name, timeout.Token);
        Assert.Equal("created", foreign.State.Status);
    }

    [Fact]
    public async Task Waiting_for_an_unknown_job_fails_clearly()
    {
        using var timeout = Timeout();
        var name = fixture.NewJobName();

        var error = await Assert.ThrowsAsync<JobNotFoundException>(() => fixture.Launcher.WaitAsync(name, timeout.Token));

        Assert.Contains($"No job container named '{name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("never launched", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_job_name_is_refused_naming_the_field_and_the_rule()
    {
        using var timeout = Timeout();
        var request = new JobRequest("-bad/name", fixture.Base.ByDigest, [], new Dictionary<string, string>(), fixture.Labels());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Launcher.LaunchAsync(request, timeout.Token));

        Assert.StartsWith("JobName: '-bad/name' is not a valid container name", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Creating a container by hand needs the image on the engine; a launch of a throwaway job pulls it.</summary>
    /// <summary>What a launch leaves when it dies between create and start: our labelled container, never started.</summary>
    private async Task CreateUnstartedJobAsync(string name, IList<string> cmd, CancellationToken cancellationToken)
    {
        await PullBaseAsync(cancellationToken);
        var labels = fixture.Labels();
        labels[JobLabels.Job] = name;
        await fixture.Docker.Containers.CreateContainerAsync(
            new CreateContainerParameters { Name = name, Image = fixture.Base.ByDigest, Cmd = cmd, Labels = labels },
            cancellationToken);
    }

    private async Task PullBaseAsync(CancellationToken cancellationToken) =>
        await fixture.Launcher.LaunchAsync(
            new JobRequest(fixture.NewJobName(), fixture.Base.ByDigest, ["echo"], new Dictionary<string, string>(), fixture.Labels()),
            cancellationToken);
}
