using System.CommandLine;
using ManagedImages.Local.Cli.Api;
using Spectre.Console;

namespace ManagedImages.Local.Cli.Commands;

/// <summary><c>plan &lt;nickname&gt;</c>: how the next version would be made (rebase or build), why, and the generated Dockerfile.</summary>
internal static class PlanCommand
{
    public static Command Create(CliContext cli)
    {
        Option<Uri> url = CommonOptions.Url();
        Argument<string> nickname = CommonOptions.Nickname();
        Command command = new("plan", "Show how the next version of a custom image would be made, without building it") { nickname, url };
        command.SetAction((parse, cancellationToken) => cli.CallAsync(parse.GetValue(url)!, async client =>
        {
            string nick = parse.GetValue(nickname)!;
            BuildPlanDetails plan;
            try
            {
                plan = await client.GetPlanAsync(nick, cancellationToken);
            }
            catch (ApiProblemException e) when (e.IsImageNotFound)
            {
                return cli.Fail(NotRegistered.Message(nick));
            }

            cli.Console.WriteLine($"{plan.Nickname} (revision {plan.Revision}): {plan.Kind} on {plan.Base}" +
                (plan.BaseDigest is { } digest ? $"@{digest}" : " (base digest not resolved)"));
            foreach (string reason in plan.Reasons)
            {
                cli.Console.WriteLine($"  - {reason}");
            }

            if (plan.Dockerfile is { } dockerfile)
            {
                cli.Console.WriteLine("Dockerfile:");
                // Verbatim, past the console's wrapping: the lines are meant to be copied.
                cli.Console.Profile.Out.Writer.Write(dockerfile.EndsWith('\n') ? dockerfile : dockerfile + "\n");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
