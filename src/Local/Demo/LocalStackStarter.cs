using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ManagedImages.Local.Demo;

/// <summary>
/// Makes sure the local stack (Azurite, registry, Docker engine) answers and its settings are in this process's
/// environment: runs <c>scripts/stack up</c> of the checkout when something is missing (it is idempotent and prints
/// the settings as export lines).
/// </summary>
internal static partial class LocalStackStarter
{
    private static readonly string[] Variables = ["MANAGEDIMAGES_STORAGE", "MANAGEDIMAGES_REGISTRY", "DOCKER_HOST"];

    /// <summary>Returns null when the stack is ready, else why it could not be made ready.</summary>
    public static async Task<string?> EnsureRunningAsync(Action<string> say, CancellationToken cancellationToken)
    {
        if (Variables.All(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))) && await AnswersAsync(cancellationToken))
        {
            say("already running");
            return null;
        }

        string? root = RepositoryRoot.Find(Directory.GetCurrentDirectory()) ?? RepositoryRoot.Find(AppContext.BaseDirectory);
        if (root is null)
        {
            return "the local stack is not running and no Managed Images checkout (with scripts/stack) was found above " +
                $"{Directory.GetCurrentDirectory()}: run the demo from the repository, or start the stack with scripts/stack up " +
                "and export its settings (eval \"$(scripts/stack env)\")";
        }

        say($"started with {Path.Combine(root, "scripts", "stack")} up");
        ProcessStartInfo start = new(Path.Combine(root, "scripts", "stack"), "up")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            return $"scripts/stack up failed (exit code {process.ExitCode}): {(await errors).Trim()}";
        }

        foreach (Match export in ExportLine().Matches(await output))
        {
            Environment.SetEnvironmentVariable(export.Groups["name"].Value, export.Groups["value"].Value);
        }

        string[] missing = [.. Variables.Where(v => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)))];
        return missing.Length > 0
            ? $"scripts/stack up did not print {string.Join(", ", missing)}"
            : await AnswersAsync(cancellationToken) ? null : "the local stack started but does not answer; see scripts/stack status";
    }

    private static async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        string registry = Environment.GetEnvironmentVariable("MANAGEDIMAGES_REGISTRY") ?? "127.0.0.1:5000";
        string[] hostPort = registry.Split(':');
        return await ListensAsync("127.0.0.1", 10001, cancellationToken)
            && await ListensAsync("127.0.0.1", 10002, cancellationToken)
            && hostPort.Length == 2 && int.TryParse(hostPort[1], out int port) && await ListensAsync(hostPort[0], port, cancellationToken)
            && DockerSocketExists();
    }

    private static bool DockerSocketExists()
    {
        string docker = Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "";
        return !docker.StartsWith("unix://", StringComparison.Ordinal) || File.Exists(docker["unix://".Length..]);
    }

    private static async Task<bool> ListensAsync(string host, int port, CancellationToken cancellationToken)
    {
        try
        {
            using TcpClient client = new();
            await client.ConnectAsync(host, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^export (?<name>[A-Z_]+)='(?<value>[^']*)'\s*$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
