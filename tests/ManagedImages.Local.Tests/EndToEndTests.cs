using ManagedImages.Local.Cli.Api;
using ManagedImages.Oci;
using ManagedImages.TestSupport;
using Xunit.Abstractions;

namespace ManagedImages.Local.Tests;

/// <summary>The product through the HTTP API of a host process: register, run, base update, lazy rebuild.</summary>
public sealed class EndToEndTests(HostFixture fixture, ITestOutputHelper output) : IClassFixture<HostFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact, Trait("Category", "Stack")]
    public async Task A_run_after_a_base_update_builds_a_new_version_on_the_new_base_digest_and_the_job_sees_the_new_base()
    {
        HostProcess host = await fixture.RequireAsync();
        await using TestImages images = new();
        using ApiClient api = new(host.Url);
        using CancellationTokenSource timeout = new(Patience);
        string nickname = UniqueNames.Of("e2e");

        Digest base1 = await images.PublishBaseAsync(1);
        ImageDetails registered = await api.RegisterAsync(nickname, images.Registration(), timeout.Token);
        Assert.NotNull(registered.RegistrationRun);
        RunStatus built = await api.WaitForRunAsync(registered.RegistrationRun.Id, null, timeout.Token);
        Assert.True(built.RuntimeStatus == "Completed", $"registration ended {built.RuntimeStatus}: {built.Failure?.Message}\n{host.Output}");

        RunResult first = await RunAsync(api, nickname, "first", timeout.Token);
        Assert.Equal(1, first.Version);
        Assert.False(first.Upgraded);
        Assert.Equal(base1.ToString(), first.BaseDigest);
        Assert.Contains("base version: 1", first.LogTail ?? []);
        Assert.Contains("hello from first", first.LogTail ?? []);

        Digest base2 = await images.PublishBaseAsync(2);
        Assert.NotEqual(base1, base2);
        RunResult second = await RunAsync(api, nickname, "second", timeout.Token);

        Assert.Equal(2, second.Version);
        Assert.True(second.Upgraded);
        Assert.Equal(base2.ToString(), second.BaseDigest);
        Assert.Equal(base2.ToString(), await images.AnnotationAsync(second.Image, AnnotationKeys.BaseDigest));
        Assert.Contains("base version: 2", second.LogTail ?? []);
        Assert.Equal(0, second.ExitCode);
    }

    private async Task<RunResult> RunAsync(ApiClient api, string nickname, string who, CancellationToken cancellationToken)
    {
        RunLink run = await api.StartRunAsync(nickname, [], new Dictionary<string, string> { ["WHO"] = who }, cancellationToken);
        RunStatus done = await api.WaitForRunAsync(run.Id, s => output.WriteLine($"{run.Id}: {s.Progress}"), cancellationToken);
        Assert.True(done.RuntimeStatus == "Completed", $"run {run.Id} ended {done.RuntimeStatus}: {done.Failure?.Message}\n{fixture.Host.Output}");
        return done.RunOutput!;
    }
}
