using System.CommandLine;
using ManagedImages.Local.Cli.Api;
using Spectre.Console;

namespace ManagedImages.Local.Cli.Commands;

/// <summary><c>history &lt;nickname&gt;</c>: the versions of one image, newest first, with the base each was built on.</summary>
internal static class HistoryCommand
{
    public static Command Create(CliContext cli)
    {
        Option<Uri> url = CommonOptions.Url();
        Argument<string> nickname = CommonOptions.Nickname();
        Command command = new("history", "Show the versions of a custom image and the base digest each was built on") { nickname, url };
        command.SetAction((parse, cancellationToken) => cli.CallAsync(parse.GetValue(url)!, async client =>
        {
            string nick = parse.GetValue(nickname)!;
            ImageDetails image;
            try
            {
                image = await client.GetImageAsync(nick, cancellationToken);
            }
            catch (ApiProblemException e) when (e.IsImageNotFound)
            {
                return cli.Fail(NotRegistered.Message(nick));
            }

            cli.Console.WriteLine($"{image.Nickname}: {image.State}, revision {image.Revision}" +
                (image.FailureReason is { } reason ? $" ({reason})" : ""));
            if (image.Versions.Count == 0)
            {
                cli.Console.WriteLine("no version built yet");
                return ExitCodes.Ok;
            }

            Table table = new Table().AddColumns("version", "built", "base", "base digest", "revision", "image digest");
            foreach (VersionDetails version in image.Versions)
            {
                table.AddTextRow(
                    $"v{version.Number}{(version.Number == image.CurrentVersion ? " (current)" : "")}",
                    ConsoleText.Ago(version.CreatedAt),
                    version.BaseReference,
                    ConsoleText.Short(version.BaseDigest),
                    version.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ConsoleText.Short(version.Digest));
            }

            cli.Console.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
