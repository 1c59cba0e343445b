using System.Diagnostics;
using ManagedImages.Local.Cli.Api;
using ManagedImages.Oci;
using ManagedImages.TestSupport;
using Xunit.Abstractions;

namespace ManagedImages.Local.Tests;

/// <summary>Runs survive a crash of the host: the durable state is in Azurite, and the restarted host takes over quickly.</summary>
[Collection(EngineHeavyTests.Name)]
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    // Well below the provider's 5-minute defaults (visibility timeout, lease expiry), with room for a slow, loaded
    // machine where the engine alone may take half a minute to start the job.
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan BaseBlobDelay = TimeSpan.FromSeconds(5);

    [Fact, Trait("Category", "Stack")]
    public async Task A_run_whose_host_is_killed_while_its_job_runs_completes_after_the_host_is_started_again()
    {
        await LocalStack.RequireAllAsync();
        await using TestImages images = new();
        HostProcess host = HostProcess.Create();
        try
        {
            await host.StartAsync();
            using ApiClient api = new(host.Url);
            using CancellationTokenSource timeout = new(Patience);
            string nickname = UniqueNames.Of("crash");

            await images.PublishBaseAsync(1);
            ImageDetails registered = await api.RegisterAsync(nickname, images.Registration(), timeout.Token);
            RunStatus built = await api.WaitForRunAsync(registered.RegistrationRun!.Id, null, timeout.Token);
            Assert.True(built.RuntimeStatus == "Completed", $"registration ended {built.RuntimeStatus}: {built.Failure?.Message}\n{host.Output}");

            // A new base makes the run build first; the job then sleeps, so the kill finds it in flight.
            Digest base2 = await images.PublishBaseAsync(2);
            RunLink run = await api.StartRunAsync(
                nickname, [], new Dictionary<string, string> { ["WHO"] = "crash", ["SLEEP"] = "8" }, timeout.Token);
            RunStatus running = await WaitForStageAsync(api, run.Id, "running", timeout.Token);
            Assert.False(running.IsFinished);

            await host.KillAsync();
            output.WriteLine($"killed the host while {run.Id} was '{running.Progress}'");
            Stopwatch recovery = Stopwatch.StartNew();
            await host.StartAsync();

            RunStatus done = await api.WaitForRunAsync(run.Id, s => output.WriteLine($"{recovery.Elapsed.TotalSeconds:0.0} s: {s.Progress}"), timeout.Token);
            output.WriteLine($"completed {recovery.Elapsed.TotalSeconds:0.0} s after the restart");

            Assert.True(done.RuntimeStatus == "Completed", $"run ended {done.RuntimeStatus}: {done.Failure?.Message}\n{host.Output}");
            RunResult result = done.RunOutput!;
            Assert.Equal(0, result.ExitCode);
            Assert.True(result.Upgraded);
            Assert.Equal(base2.ToString(), result.BaseDigest);
            Assert.Contains("slept 8 s", result.LogTail ?? []);
            Assert.Contains("base version: 2", result.LogTail ?? []);
            // Fast recovery is the point of the short visibility timeouts and leases: far below the provider's 5-minute defaults.
            Assert.True(recovery.Elapsed < RecoveryLimit, $"the restarted host took {recovery.Elapsed} to finish the run");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact, Trait("Category", "Stack")]
    public async Task A_run_whose_host_is_killed_while_it_builds_the_new_version_completes_on_that_version_after_the_host_is_started_again()
    {
        await LocalStack.RequireAllAsync();
        await using TestImages images = new();
        // The base is read through a slow proxy, so the build of a new version copies its blobs slowly: the kill finds it in flight.
        await using SlowRegistryProxy slowBase = await SlowRegistryProxy.StartAsync(LocalStack.Registry, BaseBlobDelay);
        // A short check interval: the restarted host's waiting run soon finds the build orphaned and restarts it.
        HostProcess host = HostProcess.Create(new Dictionary<string, string> { ["Builds__CheckInterval"] = "00:00:03" });
        try
        {
            await host.StartAsync();
            using ApiClient api = new(host.Url);
            using CancellationTokenSource timeout = new(Patience);
            string nickname = UniqueNames.Of("crash-build");
            Stopwatch clock = Stopwatch.StartNew();

            await images.PublishBaseAsync(1);
            ImageDetails registered = await api.RegisterAsync(nickname, images.Registration(slowBase.Authority), timeout.Token);
            RunStatus built = await api.WaitForRunAsync(registered.RegistrationRun!.Id, null, timeout.Token);
            Assert.True(built.RuntimeStatus == "Completed", $"registration ended {built.RuntimeStatus}: {built.Failure?.Message}\n{host.Output}");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: v1 built on the base behind {slowBase.Authority}");

            Digest base2 = await images.PublishBaseAsync(2);
            ImageReference version2 = ImageReference.Parse($"{LocalStack.Registry}/managed/{nickname}:v2");
            RunLink run = await api.StartRunAsync(nickname, [], new Dictionary<string, string> { ["WHO"] = "crash" }, timeout.Token);
            RunStatus building = await WaitForStageAsync(api, run.Id, "building", timeout.Token);
            Assert.True(building.Progress.StartsWith("building:", StringComparison.Ordinal), $"the run never reported building: {building.Progress}\n{host.Output}");

            await host.KillAsync();
            int blobReadsAtKill = slowBase.DelayedBlobReads;
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: killed the host while {run.Id} was '{building.Progress}' ({blobReadsAtKill} slow blob reads so far)");
            Digest? finishedBeforeKill = await images.Registry.ResolveDigestAsync(version2, CancellationToken.None);
            Assert.True(finishedBeforeKill is null, $"the build of {version2} had finished before the kill ({finishedBeforeKill}): the test proves nothing; slow the base down more");

            Stopwatch recovery = Stopwatch.StartNew();
            await host.StartAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: host answers again, {recovery.Elapsed.TotalSeconds:0.0} s after the restart");
            using CancellationTokenSource recoveryTimeout = new(Patience);
            RunStatus done = await api.WaitForRunAsync(run.Id, s => output.WriteLine($"{recovery.Elapsed.TotalSeconds:0.0} s after the restart: {s.Progress}"), recoveryTimeout.Token);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: completed {recovery.Elapsed.TotalSeconds:0.0} s after the restart ({slowBase.DelayedBlobReads - blobReadsAtKill} slow blob reads by the new host)");

            Assert.True(done.RuntimeStatus == "Completed", $"run ended {done.RuntimeStatus}: {done.Failure?.Message}\n{host.Output}");
            RunResult result = done.RunOutput!;
            Assert.Equal(2, result.Version);
            Assert.True(result.Upgraded);
            Assert.Equal(base2.ToString(), result.BaseDigest);
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("hello from crash", result.LogTail ?? []);
            Assert.Contains("base version: 2", result.LogTail ?? []);
            // The restarted host built it: it read the base's blobs through the proxy again, and v2 is what the run used.
            Assert.True(slowBase.DelayedBlobReads > blobReadsAtKill, "the restarted host never read the base: it did not restart the build");
            Assert.Equal((await images.Registry.ResolveDigestAsync(version2, CancellationToken.None))?.ToString(), result.ImageDigest);
            Assert.Equal(base2.ToString(), await images.AnnotationAsync(version2.ToString(), AnnotationKeys.BaseDigest));
            // Fast recovery is the point of the short visibility timeouts, leases and check interval.
            Assert.True(recovery.Elapsed < RecoveryLimit, $"the restarted host took {recovery.Elapsed} to finish the run");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task<RunStatus> WaitForStageAsync(ApiClient api, string runId, string stage, CancellationToken cancellationToken)
    {
        while (true)
        {
            RunStatus status = await api.GetRunAsync(runId, cancellationToken);
            if (status.Progress.StartsWith(stage + ":", StringComparison.Ordinal) || status.IsFinished)
            {
                return status;
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
