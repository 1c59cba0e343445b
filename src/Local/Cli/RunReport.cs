using ManagedImages.Local.Cli.Api;
using Spectre.Console;

namespace ManagedImages.Local.Cli;

/// <summary>Prints a run's status and, once it has ended, its outcome: version, digests, fresh or upgraded, exit code, log tail.</summary>
internal static class RunReport
{
    public static void Progress(IAnsiConsole console, RunStatus status) =>
        console.WriteLine($"  [{DateTime.Now:HH:mm:ss}] {status.Progress}");

    /// <summary>Writes the outcome and returns the exit code it stands for.</summary>
    public static int Outcome(IAnsiConsole console, TextWriter error, RunStatus status)
    {
        Grid grid = new Grid().AddColumn().AddColumn();
        grid.AddTextRow("run", status.Id);
        grid.AddTextRow("status", status.RuntimeStatus);
        grid.AddTextRow("took", $"{(status.LastUpdatedAt - status.CreatedAt).TotalSeconds:0.0} s");
        if (status.RunOutput is { } run)
        {
            grid.AddTextRow("version", $"{run.Nickname} v{run.Version}");
            grid.AddTextRow("image", run.Image);
            grid.AddTextRow("digest", run.ImageDigest);
            grid.AddTextRow("base digest", run.BaseDigest);
            grid.AddTextRow("freshness", run.Upgraded ? $"upgraded: built v{run.Version} on the new base" : $"fresh: v{run.Version} was built on the current base");
            grid.AddTextRow("job", run.JobName);
            grid.AddTextRow("exit code", run.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (status.RegistrationOutput is { } registered)
        {
            grid.AddTextRow("version", $"{registered.Nickname} v{registered.Version}");
            grid.AddTextRow("image", registered.Image);
            grid.AddTextRow("digest", registered.Digest);
            grid.AddTextRow("base digest", registered.BaseDigest);
        }
        else if (!status.IsFinished)
        {
            grid.AddTextRow("stage", status.Progress);
            if (status.WaitingFor is { } build)
            {
                grid.AddTextRow("waiting for",
                    $"the build of v{build.Version} on {build.BaseDigest}, started {ConsoleText.Ago(build.StartedAt)}, with {build.OtherWaitingRuns.Count} other run(s)");
            }
        }

        console.Write(grid);
        if (status.RunOutput?.LogTail is { Count: > 0 } log)
        {
            console.WriteLine("log (last lines):");
            foreach (string line in log)
            {
                console.WriteLine($"  | {line}");
            }
        }

        if (status.Failure is { } failure)
        {
            error.WriteLine($"error: the run failed: {failure.Message}");
            return ExitCodes.Failure;
        }

        return status.RuntimeStatus switch
        {
            "Completed" => status.RunOutput is { ExitCode: not 0 } ? ExitCodes.Failure : ExitCodes.Ok,
            "Failed" or "Terminated" => ExitCodes.Failure,
            _ => ExitCodes.Ok,
        };
    }
}
