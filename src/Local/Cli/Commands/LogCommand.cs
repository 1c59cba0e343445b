using System.CommandLine;
using ManagedImages.Local.Cli.Api;
using Spectre.Console;

namespace ManagedImages.Local.Cli.Commands;

/// <summary><c>log &lt;nickname&gt; &lt;version&gt;</c>: the build log of a version a builder made (a rebased version has none).</summary>
internal static class LogCommand
{
    public static Command Create(CliContext cli)
    {
        Option<Uri> url = CommonOptions.Url();
        Argument<string> nickname = CommonOptions.Nickname();
        Argument<string> version = new("version") { Description = "The version number, as `history` shows it (3 or v3)" };
        Command command = new("log", "Show the build log of a version of a custom image") { nickname, version, url };
        command.SetAction((parse, cancellationToken) => cli.CallAsync(parse.GetValue(url)!, async client =>
        {
            string nick = parse.GetValue(nickname)!;
            string number = parse.GetValue(version)!;
            if (number.StartsWith('v'))
            {
                number = number[1..];
            }

            BuildLog log;
            try
            {
                log = await client.GetBuildLogAsync(nick, number, cancellationToken);
            }
            catch (ApiProblemException e) when (e.IsImageNotFound)
            {
                return cli.Fail(NotRegistered.Message(nick));
            }

            cli.Console.WriteLine($"build log of {log.Nickname} v{log.Version} ({(log.Succeeded ? "succeeded" : "failed")}, {log.Lines.Count} lines):");
            // Verbatim, past the console's wrapping, like the builder wrote it.
            TextWriter output = cli.Console.Profile.Out.Writer;
            foreach (string line in log.Lines)
            {
                output.WriteLine(line);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
