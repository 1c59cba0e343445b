using Spectre.Console;
using System.CommandLine;
using System.Text.Json;
using ManagedImages.Local.Cli.Api;

namespace ManagedImages.Local.Cli.Commands;

/// <summary><c>register &lt;nickname&gt; -f file.json</c>: stores a registration; the server builds version 1.</summary>
internal static class RegisterCommand
{
    public static Command Create(CliContext cli)
    {
        Option<Uri> url = CommonOptions.Url();
        Argument<string> nickname = CommonOptions.Nickname();
        Option<FileInfo> file = new("--file", "-f") { Description = "The registration document (JSON)", Required = true };
        Option<bool> wait = new("--wait") { Description = "Wait until version 1 is built (or its build failed)" };
        Command command = new("register", "Register (or update) a custom image under a nickname") { nickname, file, wait, url };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string nick = parse.GetValue(nickname)!;
            FileInfo path = parse.GetValue(file)!;
            string document;
            try
            {
                document = await File.ReadAllTextAsync(path.FullName, cancellationToken);
                using JsonDocument _ = JsonDocument.Parse(document);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return cli.UsageError($"cannot read {path.FullName}: {e.Message}");
            }
            catch (JsonException e)
            {
                return cli.UsageError($"{path.FullName} is not JSON: {e.Message}");
            }

            return await cli.CallAsync(parse.GetValue(url)!, async client =>
            {
                ImageDetails image = await client.RegisterAsync(nick, document, cancellationToken);
                cli.Console.WriteLine($"registered {image.Nickname} (revision {image.Revision}, {image.State})");
                if (image.RegistrationRun is not { } run)
                {
                    cli.Console.WriteLine(image.CurrentVersion is { } v
                        ? $"current version v{v}; the next run builds on this revision if it changed"
                        : "no build started");
                    return ExitCodes.Ok;
                }

                cli.Console.WriteLine($"building version 1: run {run.Id}");
                if (!parse.GetValue(wait))
                {
                    cli.Console.WriteLine($"follow it with `managed-images status {run.Id}`");
                    return ExitCodes.Ok;
                }

                RunStatus done = await client.WaitForRunAsync(run.Id, s => RunReport.Progress(cli.Console, s), cancellationToken);
                return RunReport.Outcome(cli.Console, cli.Error, done);
            });
        });
        return command;
    }
}
