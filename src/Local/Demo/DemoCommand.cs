using Spectre.Console;
using System.CommandLine;
using ManagedImages.Local.Cli;
using ManagedImages.Local.Cli.Api;
using ManagedImages.Local.Hosting;
using ManagedImages.Oci;
using ManagedImages.Registry;

namespace ManagedImages.Local.Demo;

/// <summary>
/// <c>demo</c>: starts the local stack and a server when they are not running, then plays <see cref="DemoScenario"/>
/// and ends with a table of the steps.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext cli)
    {
        Option<TimeSpan> timeout = new("--timeout")
        {
            Description = "Give up after this long (hh:mm:ss)",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(10),
        };
        Command command = new("demo", "Show the product end to end on the local stack: register, run, base update, lazy rebuild") { timeout };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(parse.GetValue(timeout));
            return await RunAsync(cli, [.. parse.UnmatchedTokens], limit.Token);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, string[] hostArgs, CancellationToken cancellationToken)
    {
        cli.Console.WriteLine("> local stack");
        System.Diagnostics.Stopwatch stackClock = System.Diagnostics.Stopwatch.StartNew();
        string stackResult = "";
        string? stackProblem = await LocalStackStarter.EnsureRunningAsync(line => stackResult = line, cancellationToken);
        if (stackProblem is not null)
        {
            return cli.Fail(stackProblem);
        }

        DemoStep stackStep = new("local stack", true, stackResult, stackClock.Elapsed.TotalSeconds);

        // Build the host first: its configuration (Http:Url, Registry, ...) is the demo's too.
        WebApplication app = LocalHost.Build(hostArgs);
        await using (app)
        {
            Uri server = LocalHost.ApiUrl(app);
            // A host with Auth:ApiKeys needs an admin key; the default host (no keys) is open to this machine.
            using ApiClient api = new(server, cli.ApiKey);
            await using ServiceProvider services = RegistryServices(app.Configuration);
            string registryHost = Environment.GetEnvironmentVariable("MANAGEDIMAGES_REGISTRY") is { Length: > 0 } r ? r : "127.0.0.1:5000";
            DemoScenario scenario = new(cli, api, services.GetRequiredService<RegistryClient>(), ImageReference.Parse($"{registryHost}/demo/base:latest"));
            scenario.Record(stackStep);
            bool started = false;
            try
            {
                await scenario.StepAsync("server", async () =>
                {
                    if (await api.IsReachableAsync(cancellationToken))
                    {
                        return (0, $"using the server already at {server}");
                    }

                    await app.StartAsync(cancellationToken);
                    started = true;
                    return (0, $"started in this process at {server}");
                });
                await scenario.RunAsync(cancellationToken);
                scenario.WriteSummary();
                cli.Console.WriteLine("demo succeeded: the second run rebuilt the image on the new base, lazily, and the job saw base version 2");
                return ExitCodes.Ok;
            }
            catch (DemoFailedException e)
            {
                scenario.WriteSummary();
                return cli.Fail($"demo failed at {e.Message}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                scenario.WriteSummary();
                return cli.Fail("demo stopped: it ran out of time or was cancelled");
            }
            finally
            {
                if (started)
                {
                    await app.StopAsync(CancellationToken.None);
                }
            }
        }
    }

    private static ServiceProvider RegistryServices(IConfiguration configuration)
    {
        ServiceCollection services = new();
        services.AddRegistryClient(configuration);
        return services.BuildServiceProvider();
    }
}
