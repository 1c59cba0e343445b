using System.CommandLine;
using ManagedImages.Local.Cli.Api;
using Spectre.Console;

namespace ManagedImages.Local.Cli.Commands;

/// <summary><c>images</c>: the registered images and where each stands.</summary>
internal static class ImagesCommand
{
    public static Command Create(CliContext cli)
    {
        Option<Uri> url = CommonOptions.Url();
        Command command = new("images", "List the registered custom images") { url };
        command.SetAction((parse, cancellationToken) => cli.CallAsync(parse.GetValue(url)!, async client =>
        {
            ImageList list = await client.ListImagesAsync(cancellationToken);
            if (list.Images.Count == 0)
            {
                cli.Console.WriteLine("no images registered yet: register one with `managed-images register <nickname> -f image.json`");
                return ExitCodes.Ok;
            }

            Table table = new Table().AddColumns("nickname", "state", "version", "revision", "base", "updated");
            foreach (ImageSummary image in list.Images.OrderBy(i => i.Nickname, StringComparer.Ordinal))
            {
                table.AddTextRow(
                    image.Nickname,
                    image.FailureReason is null ? image.State : $"{image.State}: {image.FailureReason}",
                    image.CurrentVersion is { } v ? $"v{v}" : "-",
                    image.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    image.Base,
                    ConsoleText.Ago(image.UpdatedAt));
            }

            cli.Console.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
