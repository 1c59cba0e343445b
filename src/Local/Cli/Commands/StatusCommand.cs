using Spectre.Console;
using System.CommandLine;
using ManagedImages.Local.Cli.Api;

namespace ManagedImages.Local.Cli.Commands;

/// <summary><c>status &lt;run-id&gt;</c>: where a run (or a registration's first build) stands, and its outcome once ended.</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext cli)
    {
        Option<Uri> url = CommonOptions.Url();
        Argument<string> runId = new("run-id") { Description = "The id `run` printed" };
        Command command = new("status", "Show the status of a run") { runId, url };
        command.SetAction((parse, cancellationToken) => cli.CallAsync(parse.GetValue(url)!, async client =>
        {
            string id = parse.GetValue(runId)!;
            RunStatus status;
            try
            {
                status = await client.GetRunAsync(id, cancellationToken);
            }
            catch (ApiProblemException e) when (e.IsRunNotFound)
            {
                return cli.Fail($"no run has the id '{id}': `managed-images run <nickname>` prints the id of the run it starts");
            }

            int outcome = RunReport.Outcome(cli.Console, cli.Error, status);
            // A run that is still going is not a failure of this command.
            return status.IsFinished ? outcome : ExitCodes.Ok;
        }));
        return command;
    }
}
