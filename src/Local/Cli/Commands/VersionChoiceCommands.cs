using System.CommandLine;
using System.Globalization;
using ManagedImages.Local.Cli.Api;
using Spectre.Console;

namespace ManagedImages.Local.Cli.Commands;

/// <summary>
/// <c>pin &lt;nickname&gt; &lt;version&gt;</c>, <c>unpin &lt;nickname&gt;</c> and <c>rollback &lt;nickname&gt; &lt;version&gt;</c>:
/// choose which version runs use (a rollback pins, so the next run does not upgrade straight away).
/// </summary>
internal static class VersionChoiceCommands
{
    public static Command Pin(CliContext cli) => WithVersion(cli, "pin",
        "Pin a custom image to a version: runs use it and do not upgrade until unpinned",
        (client, nick, version, token) => client.PinAsync(nick, version, token));

    public static Command RollBack(CliContext cli) => WithVersion(cli, "rollback",
        "Make an earlier version current and pin it (unpin to move on)",
        (client, nick, version, token) => client.RollBackAsync(nick, version, token));

    public static Command Unpin(CliContext cli)
    {
        Option<Uri> url = CommonOptions.Url();
        Argument<string> nickname = CommonOptions.Nickname();
        Command command = new("unpin", "Unpin a custom image: the newest version is current again and runs upgrade as usual") { nickname, url };
        command.SetAction((parse, cancellationToken) => cli.CallAsync(parse.GetValue(url)!, client =>
            ChooseAsync(cli, parse.GetValue(nickname)!, client.UnpinAsync(parse.GetValue(nickname)!, cancellationToken))));
        return command;
    }

    private static Command WithVersion(
        CliContext cli, string name, string description, Func<ApiClient, string, int, CancellationToken, Task<VersionChoice>> call)
    {
        Option<Uri> url = CommonOptions.Url();
        Argument<string> nickname = CommonOptions.Nickname();
        Argument<string> version = new("version") { Description = "The version number, as `history` shows it (3 or v3)" };
        Command command = new(name, description) { nickname, version, url };
        command.SetAction((parse, cancellationToken) => cli.CallAsync(parse.GetValue(url)!, client =>
        {
            string nick = parse.GetValue(nickname)!;
            string text = parse.GetValue(version)!.TrimStart('v');
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1)
            {
                return Task.FromResult(cli.UsageError($"'{parse.GetValue(version)}' is not a version number; give one like 3 or v3"));
            }

            return ChooseAsync(cli, nick, call(client, nick, number, cancellationToken));
        }));
        return command;
    }

    private static async Task<int> ChooseAsync(CliContext cli, string nickname, Task<VersionChoice> request)
    {
        VersionChoice choice;
        try
        {
            choice = await request;
        }
        catch (ApiProblemException e) when (e.IsImageNotFound)
        {
            return cli.Fail(NotRegistered.Message(nickname));
        }

        cli.Console.WriteLine($"{choice.Nickname}: current v{choice.CurrentVersion}" +
            (choice.PinnedVersion is { } pinned ? $", pinned to v{pinned}" : ", not pinned (runs upgrade to the newest base)"));
        return ExitCodes.Ok;
    }
}
