using Spectre.Console;
using System.CommandLine;
using ManagedImages.Local.Cli.Api;

namespace ManagedImages.Local.Cli.Commands;

/// <summary>
/// <c>run &lt;nickname&gt; [--wait] [--arg X]... [--env K=V]... [--cpu Q] [--memory Q]</c>: starts a run (the server
/// rebuilds on a newer base first if needed); with --wait, follows its stages and prints the outcome.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliContext cli)
    {
        Option<Uri> url = CommonOptions.Url();
        Argument<string> nickname = CommonOptions.Nickname();
        Option<bool> wait = new("--wait") { Description = "Follow the run until it ends and print its outcome" };
        Option<string[]> args = new("--arg") { Description = "An argument for the job (repeat for more)", Arity = ArgumentArity.ZeroOrMore };
        Option<string[]> env = new("--env") { Description = "An environment variable K=V for the job (repeat for more)", Arity = ArgumentArity.ZeroOrMore };
        env.Validators.Add(result =>
        {
            foreach (string pair in result.Tokens.Select(t => t.Value))
            {
                if (pair.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    result.AddError($"--env '{pair}' must be NAME=value");
                }
            }
        });
        // Limits only: the one thing both launchers honour (the server checks the quantities).
        Option<string?> cpu = new("--cpu") { Description = "The job's CPU limit as a Kubernetes quantity, like 500m or 2" };
        Option<string?> memory = new("--memory") { Description = "The job's memory limit as a Kubernetes quantity, like 256Mi or 1Gi" };
        Command command = new("run", "Run a custom image as a job") { nickname, wait, args, env, cpu, memory, url };
        command.SetAction((parse, cancellationToken) => cli.CallAsync(parse.GetValue(url)!, async client =>
        {
            string nick = parse.GetValue(nickname)!;
            Dictionary<string, string> variables = (parse.GetValue(env) ?? [])
                .Select(pair => pair.Split('=', 2))
                .GroupBy(kv => kv[0], StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
            RunLink run;
            try
            {
                Dictionary<string, string> limits = new(StringComparer.Ordinal);
                if (parse.GetValue(cpu) is { } cores) limits["cpu"] = cores;
                if (parse.GetValue(memory) is { } bytes) limits["memory"] = bytes;
                run = await client.StartRunAsync(nick, parse.GetValue(args) ?? [], variables, cancellationToken, limits);
            }
            catch (ApiProblemException e) when (e.IsImageNotFound)
            {
                return cli.Fail(NotRegistered.Message(nick));
            }

            cli.Console.WriteLine($"run {run.Id} started for {nick}");
            if (!parse.GetValue(wait))
            {
                cli.Console.WriteLine($"follow it with `managed-images status {run.Id}`");
                return ExitCodes.Ok;
            }

            RunStatus done = await client.WaitForRunAsync(run.Id, s => RunReport.Progress(cli.Console, s), cancellationToken);
            return RunReport.Outcome(cli.Console, cli.Error, done);
        }));
        return command;
    }
}
