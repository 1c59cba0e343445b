using System.Diagnostics;
using ManagedImages.Local.Cli.Api;
using ManagedImages.Oci;
using Xunit.Abstractions;

namespace ManagedImages.Local.Tests;

/// <summary>Runs survive a crash of the host: the durable state is in Azurite, and the restarted host takes over quickly.</summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact, Trait("Category", "Stack")]
    public async Task A_run_whose_host_is_killed_while_its_job_runs_completes_after_the_host_is_started_again()
    {
        StackSettings stack = StackSettings.Require();
        await using TestImages images = new(stack);
        HostProcess host = HostProcess.Create(stack);
        try
        {
            await host.StartAsync();
            using ApiClient api = new(host.Url);
            using CancellationTokenSource timeout = new(Patience);
            string nickname = "crash-" + Unique.Suffix();

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
            Assert.True(recovery.Elapsed < TimeSpan.FromSeconds(90), $"the restarted host took {recovery.Elapsed} to finish the run");
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
