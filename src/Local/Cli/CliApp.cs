using System.CommandLine;
using ManagedImages.Local.Access;
using ManagedImages.Local.Cli.Commands;
using Spectre.Console;

namespace ManagedImages.Local.Cli;

/// <summary>The <c>managed-images</c> command line: the server (<c>serve</c>), client commands over its HTTP API, and <c>demo</c>.</summary>
public static class CliApp
{
    public static RootCommand Create(CliContext cli) =>
    [
        ServeCommand.Create(cli),
        RegisterCommand.Create(cli),
        RunCommand.Create(cli),
        StatusCommand.Create(cli),
        ImagesCommand.Create(cli),
        HistoryCommand.Create(cli),
        PlanCommand.Create(cli),
        LogCommand.Create(cli),
        VersionChoiceCommands.Pin(cli),
        VersionChoiceCommands.Unpin(cli),
        VersionChoiceCommands.RollBack(cli),
        GcCommand.Create(cli),
        Demo.DemoCommand.Create(cli),
    ];

    /// <summary>Parses and runs; a command line that does not parse exits with <see cref="ExitCodes.Usage"/>.</summary>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        CliContext cli = new(console, error);
        RootCommand root = Create(cli);
        root.Description = "Managed Images on one machine: keeps custom images up to date with their base, lazily, on use";
        Option<string> apiKey = CommonOptions.ApiKey();
        root.Add(apiKey);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError problem in parse.Errors)
            {
                await error.WriteLineAsync($"error: {problem.Message}");
            }

            string command = parse.CommandResult.Command is RootCommand ? "" : " " + parse.CommandResult.Command.Name;
            await error.WriteLineAsync($"see `managed-images{command} --help`");
            return ExitCodes.Usage;
        }

        cli.ApiKey = parse.GetValue(apiKey) is { Length: > 0 } key ? key : Environment.GetEnvironmentVariable(ApiKeyOptions.EnvironmentVariable);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
