using Spectre.Console;
using System.CommandLine;
using ManagedImages.Local.Durable;
using ManagedImages.Local.Hosting;

namespace ManagedImages.Local.Cli.Commands;

/// <summary>
/// <c>serve</c>: runs the host until Ctrl+C. Settings come from appsettings, the environment and any
/// <c>--Section:Key=value</c> tokens after the command (for example <c>--Durable:TaskHub=mine</c>).
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext cli)
    {
        Option<string> url = new("--url") { Description = $"Where the HTTP API listens (default {HttpOptions.DefaultUrl}, or Http:Url)" };
        Command command = new("serve", "Run the Managed Images server: HTTP API, durable orchestrations, builds and jobs") { url };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            Dictionary<string, string?> overrides = [];
            if (parse.GetValue(url) is { } apiUrl)
            {
                overrides["Http:Url"] = apiUrl;
            }

            WebApplication app;
            try
            {
                app = LocalHost.Build([.. parse.UnmatchedTokens], overrides);
            }
            catch (InvalidOperationException e)
            {
                return cli.Fail(e.Message);
            }

            await using (app)
            {
                try
                {
                    await app.StartAsync(cancellationToken);
                }
                catch (IOException e)
                {
                    return cli.Fail($"cannot listen: {e.Message} (is another server running? see --url and Durable:SidecarPort)");
                }

                DurableOptions durable = app.Services.GetRequiredService<DurableOptions>();
                SidecarEndpoint sidecar = app.Services.GetRequiredService<SidecarEndpoint>();
                cli.Console.WriteLine($"Managed Images listening on {LocalHost.ApiUrl(app)} " +
                    $"(task hub {durable.TaskHub} on {durable.Backend}, sidecar {sidecar.Address}); Ctrl+C stops it");
                await app.WaitForShutdownAsync(cancellationToken);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
