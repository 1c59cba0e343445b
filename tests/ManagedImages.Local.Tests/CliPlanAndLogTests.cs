using ManagedImages.Local.Cli;
using ManagedImages.TestSupport;

namespace ManagedImages.Local.Tests;

/// <summary>
/// <c>plan</c>, <c>log</c>, <c>pin</c>, <c>unpin</c>, <c>rollback</c> and <c>gc</c> against a host process of their own (CliTests needs its store empty for one of its tests).
/// </summary>
public sealed class CliPlanAndLogTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    [Fact, Trait("Category", "Stack")]
    public async Task Plan_of_a_layer_only_image_prints_a_rebase_on_the_base_digest_and_log_says_a_rebased_version_has_none()
    {
        HostProcess host = await fixture.RequireAsync();
        await using TestImages images = new();
        Oci.Digest baseDigest = await images.PublishBaseAsync(1);
        string nickname = UniqueNames.Of("cli");
        string file = Path.Combine(Path.GetTempPath(), nickname + ".json");
        await File.WriteAllTextAsync(file, images.Registration());
        try
        {
            CliRun register = await CliRun.InvokeAsync("register", nickname, "-f", file, "--wait", "--url", host.Url.ToString());
            Assert.True(register.ExitCode == ExitCodes.Ok, register + "\n" + host.Output);

            CliRun plan = await CliRun.InvokeAsync("plan", nickname, "--url", host.Url.ToString());
            CliRun log = await CliRun.InvokeAsync("log", nickname, "v1", "--url", host.Url.ToString());

            Assert.True(plan.ExitCode == ExitCodes.Ok, plan.ToString());
            Assert.Contains($"{nickname} (revision 1): rebase on {images.Base}@{baseDigest}", plan.Output, StringComparison.Ordinal);
            Assert.Contains("no builder runs", plan.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Dockerfile", plan.Output, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Failure, log.ExitCode);
            Assert.Contains($"version 1 of {nickname} was rebased: no builder ran, so there is no build log", log.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact, Trait("Category", "Stack")]
    public async Task Pin_unpin_and_rollback_say_which_version_runs_use_and_refuse_an_unknown_version()
    {
        HostProcess host = await fixture.RequireAsync();
        await using TestImages images = new();
        await images.PublishBaseAsync(1);
        string nickname = UniqueNames.Of("pin");
        string file = Path.Combine(Path.GetTempPath(), nickname + ".json");
        await File.WriteAllTextAsync(file, images.Registration());
        try
        {
            CliRun register = await CliRun.InvokeAsync("register", nickname, "-f", file, "--wait", "--url", host.Url.ToString());
            Assert.True(register.ExitCode == ExitCodes.Ok, register + "\n" + host.Output);

            CliRun pin = await CliRun.InvokeAsync("pin", nickname, "v1", "--url", host.Url.ToString());
            CliRun unpin = await CliRun.InvokeAsync("unpin", nickname, "--url", host.Url.ToString());
            CliRun rollback = await CliRun.InvokeAsync("rollback", nickname, "7", "--url", host.Url.ToString());
            CliRun notANumber = await CliRun.InvokeAsync("pin", nickname, "latest", "--url", host.Url.ToString());

            Assert.True(pin.ExitCode == ExitCodes.Ok, pin.ToString());
            Assert.Contains($"{nickname}: current v1, pinned to v1", pin.Output, StringComparison.Ordinal);
            Assert.True(unpin.ExitCode == ExitCodes.Ok, unpin.ToString());
            Assert.Contains($"{nickname}: current v1, not pinned", unpin.Output, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Failure, rollback.ExitCode);
            Assert.Contains("7", rollback.Error, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Usage, notANumber.ExitCode);
            Assert.Contains("'latest' is not a version number", notANumber.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact, Trait("Category", "Stack")]
    public async Task Gc_says_which_versions_it_kept_and_why_and_fails_for_an_unknown_nickname()
    {
        HostProcess host = await fixture.RequireAsync();
        await using TestImages images = new();
        await images.PublishBaseAsync(1);
        string nickname = UniqueNames.Of("gc");
        string file = Path.Combine(Path.GetTempPath(), nickname + ".json");
        await File.WriteAllTextAsync(file, images.Registration());
        try
        {
            CliRun register = await CliRun.InvokeAsync("register", nickname, "-f", file, "--wait", "--url", host.Url.ToString());
            Assert.True(register.ExitCode == ExitCodes.Ok, register + "\n" + host.Output);

            CliRun gc = await CliRun.InvokeAsync("gc", nickname, "--url", host.Url.ToString());
            CliRun unknown = await CliRun.InvokeAsync("gc", UniqueNames.Of("nobody"), "--url", host.Url.ToString());

            Assert.True(gc.ExitCode == ExitCodes.Ok, gc.ToString());
            Assert.Contains($"{nickname}: 0 deleted, 1 kept (the newest 10, current, pinned, in use)", gc.Output, StringComparison.Ordinal);
            Assert.Matches(@"v1\s.*kept\s.*newest, current", gc.Output);
            Assert.Equal(ExitCodes.Failure, unknown.ExitCode);
            Assert.Contains("no image is registered as", unknown.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact, Trait("Category", "Stack")]
    public async Task Plan_of_an_unknown_nickname_fails_with_exit_code_1_and_says_how_to_register_it()
    {
        HostProcess host = await fixture.RequireAsync();
        string nickname = UniqueNames.Of("nobody");

        CliRun plan = await CliRun.InvokeAsync("plan", nickname, "--url", host.Url.ToString());

        Assert.Equal(ExitCodes.Failure, plan.ExitCode);
        Assert.Contains($"no image is registered as '{nickname}'", plan.Error, StringComparison.Ordinal);
    }
}
