using ManagedImages.Local.Cli;
using ManagedImages.Local.Durable;
using ManagedImages.TestSupport;

namespace ManagedImages.Local.Tests;

/// <summary>The client commands against a host process of their own (so its store starts empty).</summary>
public sealed class CliTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    [Fact, Trait("Category", "Stack")]
    public async Task Images_on_an_empty_store_says_none_is_registered_and_how_to_register_one()
    {
        HostProcess host = await fixture.RequireAsync();

        CliRun images = await CliRun.InvokeAsync("images", "--url", host.Url.ToString());

        Assert.True(images.ExitCode == ExitCodes.Ok, images.ToString());
        Assert.Contains("no images registered yet", images.Output, StringComparison.Ordinal);
        Assert.Contains("managed-images register", images.Output, StringComparison.Ordinal);
    }

    [Fact, Trait("Category", "Stack")]
    public async Task Register_then_run_with_wait_prints_the_version_digests_freshness_exit_code_and_log()
    {
        HostProcess host = await fixture.RequireAsync();
        await using TestImages images = new();
        await images.PublishBaseAsync(1);
        string nickname = UniqueNames.Of("cli");
        string file = Path.Combine(Path.GetTempPath(), nickname + ".json");
        await File.WriteAllTextAsync(file, images.Registration());
        try
        {
            CliRun register = await CliRun.InvokeAsync("register", nickname, "-f", file, "--wait", "--url", host.Url.ToString());
            Assert.True(register.ExitCode == ExitCodes.Ok, register + "\n" + host.Output);
            Assert.Contains($"registered {nickname} (revision 1", register.Output, StringComparison.Ordinal);

            CliRun run = await CliRun.InvokeAsync("run", nickname, "--wait", "--env", "WHO=the-cli", "--url", host.Url.ToString());

            Assert.True(run.ExitCode == ExitCodes.Ok, run + "\n" + host.Output);
            // Progress lines come as the stages change; the last one is always seen.
            Assert.Matches(@"\[\d\d:\d\d:\d\d\] done: job \S+ exited with code 0", run.Output);
            Assert.Contains($"{nickname} v1", run.Output, StringComparison.Ordinal);
            Assert.Contains("fresh: v1 was built on the current base", run.Output, StringComparison.Ordinal);
            Assert.Matches(@"exit code\s+0", run.Output);
            Assert.Contains("| hello from the-cli", run.Output, StringComparison.Ordinal);
            Assert.Contains("| base version: 1", run.Output, StringComparison.Ordinal);

            CliRun list = await CliRun.InvokeAsync("images", "--url", host.Url.ToString());
            Assert.Contains(nickname, list.Output, StringComparison.Ordinal);
            CliRun history = await CliRun.InvokeAsync("history", nickname, "--url", host.Url.ToString());
            Assert.True(history.ExitCode == ExitCodes.Ok, history.ToString());
            Assert.Contains("v1 (current)", history.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact, Trait("Category", "Stack")]
    public async Task Running_an_unknown_nickname_fails_with_exit_code_1_and_says_how_to_register_it()
    {
        HostProcess host = await fixture.RequireAsync();
        string nickname = UniqueNames.Of("nobody");

        CliRun run = await CliRun.InvokeAsync("run", nickname, "--wait", "--url", host.Url.ToString());

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains($"no image is registered as '{nickname}'", run.Error, StringComparison.Ordinal);
        Assert.Contains($"managed-images register {nickname} -f", run.Error, StringComparison.Ordinal);
    }

    [Fact, Trait("Category", "Stack")]
    public async Task Running_with_a_memory_limit_that_is_not_a_quantity_fails_naming_the_field()
    {
        HostProcess host = await fixture.RequireAsync();

        CliRun run = await CliRun.InvokeAsync("run", UniqueNames.Of("nobody"), "--cpu", "500m", "--memory", "lots", "--url", host.Url.ToString());

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("resources.limits.memory", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("resources.limits.cpu", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_command_with_no_server_listening_says_how_to_start_one()
    {
        string url = $"http://127.0.0.1:{SidecarEndpoint.FreePort()}";

        CliRun images = await CliRun.InvokeAsync("images", "--url", url);

        Assert.Equal(ExitCodes.Failure, images.ExitCode);
        Assert.Contains($"no server at {url}", images.Error, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project src/Local -- serve", images.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("run", "x", "--env", "NOEQUALS")]
    [InlineData("register", "x")]
    [InlineData("log", "x")]
    [InlineData("frobnicate")]
    public async Task A_command_line_that_does_not_parse_exits_with_code_2(params string[] args)
    {
        CliRun cli = await CliRun.InvokeAsync(args);

        Assert.True(cli.ExitCode == ExitCodes.Usage, cli.ToString());
        Assert.StartsWith("error: ", cli.Error, StringComparison.Ordinal);
    }
}
