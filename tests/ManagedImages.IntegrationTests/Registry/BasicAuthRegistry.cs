using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ManagedImages.IntegrationTests.Registry;

/// <summary>
/// A second distribution registry, started for the tests on a free loopback port with an htpasswd file (bcrypt
/// entries from <c>htpasswd -Bbn</c>, package apache2-utils), stopped and removed at the end.
/// </summary>
public sealed class BasicAuthRegistry : IAsyncLifetime
{
    public const string Username = "it-user";
    public const string Password = "it-pass-w0rd";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "managedimages-it-authreg-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly StringBuilder output = new();
    private Process? process;

    /// <summary>The registry's host and port, e.g. <c>127.0.0.1:41234</c>.</summary>
    public string Host { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        var htpasswd = await RunAsync(Which("htpasswd") ?? throw new InvalidOperationException(
            "htpasswd is not installed: it comes with apache2-utils, which scripts/stack up installs (or apt-get install apache2-utils)."),
            "-Bbn", Username, Password);
        await File.WriteAllTextAsync(Path.Combine(directory, "htpasswd"), htpasswd);

        for (var attempt = 0; attempt < 3 && process is null; attempt++)
        {
            Host = $"127.0.0.1:{FreePort()}";
            await File.WriteAllTextAsync(Path.Combine(directory, "config.yml"), $"""
                version: 0.1
                log: {"{"}level: warn{"}"}
                storage:
                  filesystem: {"{"}rootdirectory: {directory}/data{"}"}
                  delete: {"{"}enabled: true{"}"}
                http: {"{"}addr: {Host}{"}"}
                auth:
                  htpasswd: {"{"}realm: managedimages-it, path: {directory}/htpasswd{"}"}
                """);
            var started = Start();
            if (await AnswersAsync(started)) process = started;
            else Stop(started);
        }
        if (process is null)
            throw new InvalidOperationException($"The basic-auth registry did not start (docker-registry from scripts/stack up is needed): {output}");
    }

    public Task DisposeAsync()
    {
        if (process is not null) Stop(process);
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp folder; nothing else uses it.
        }
        return Task.CompletedTask;
    }

    private Process Start()
    {
        var binary = Which("docker-registry") ?? "/usr/bin/docker-registry";
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(Path.Combine(directory, "config.yml"));
        var started = Process.Start(info) ?? throw new InvalidOperationException($"{binary} did not start.");
        started.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        started.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        return started;
    }

    /// <summary>Ready when /v2/ asks for credentials (it answers within ~0.1 s; allow much more on a loaded machine).</summary>
    private async Task<bool> AnswersAsync(Process started)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30) && !started.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{Host}/v2/"));
                if (response.StatusCode == HttpStatusCode.Unauthorized) return true;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(50);
        }
        return false;
    }

    private static void Stop(Process started)
    {
        try
        {
            if (!started.HasExited) started.Kill(entireProcessTree: true);
            started.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        started.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var run = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync();
        if (run.ExitCode != 0) throw new InvalidOperationException($"{file} failed ({run.ExitCode}): {await stderr}");
        return await stdout;
    }
}
