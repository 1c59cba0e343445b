using System.CommandLine;
using System.Globalization;
using ManagedImages.Local.Cli.Api;
using Spectre.Console;

namespace ManagedImages.Local.Cli.Commands;

/// <summary><c>gc &lt;nickname&gt;</c>: collects the old versions of an image now and says what went and what stayed, and why.</summary>
internal static class GcCommand
{
    public static Command Create(CliContext cli)
    {
        Option<Uri> url = CommonOptions.Url();
        Argument<string> nickname = CommonOptions.Nickname();
        Command command = new("gc", "Delete old versions of a custom image (keeps the newest, the current, the pinned and those in use)") { nickname, url };
        command.SetAction((parse, cancellationToken) => cli.CallAsync(parse.GetValue(url)!, async client =>
        {
            string nick = parse.GetValue(nickname)!;
            CollectionReport report;
            try
            {
                report = await client.CollectAsync(nick, cancellationToken);
            }
            catch (ApiProblemException e) when (e.IsImageNotFound)
            {
                return cli.Fail(NotRegistered.Message(nick));
            }

            cli.Console.WriteLine($"{report.Nickname}: {report.Deleted.Count} deleted, {report.Kept.Count} kept (the newest {report.Keep}, current, pinned, in use)" +
                (report.Failed.Count > 0 ? $", {report.Failed.Count} could not be deleted" : ""));
            Table table = new Table().AddColumns("version", "outcome", "why");
            foreach (CollectionReport.DeletedVersion deleted in report.Deleted)
            {
                table.AddTextRow(V(deleted.Version), "deleted", deleted.ManifestDeleted ? $"older than the newest {report.Keep}" : $"older than the newest {report.Keep} (its manifest is shared with a kept version and stays)");
            }

            foreach (CollectionReport.KeptVersion kept in report.Kept)
            {
                table.AddTextRow(V(kept.Version), "kept", string.Join(", ", kept.Reasons));
            }

            foreach (CollectionReport.FailedVersion failed in report.Failed)
            {
                table.AddTextRow(V(failed.Version), "failed", failed.Reason);
            }

            cli.Console.Write(table);
            return report.Failed.Count > 0 ? ExitCodes.Failure : ExitCodes.Ok;
        }));
        return command;
    }

    private static string V(int version) => "v" + version.ToString(CultureInfo.InvariantCulture);
}
