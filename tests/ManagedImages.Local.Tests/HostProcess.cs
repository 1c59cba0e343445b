using System.Diagnostics;
using System.Text;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using ManagedImages.Local.Durable;
using ManagedImages.Local.Hosting;
using ManagedImages.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace ManagedImages.Local.Tests;

/// <summary>
/// The built host (<c>dotnet managed-images.dll serve</c>) as a child process with its own task hub, table prefix and
/// free ports, so it can be killed with SIGKILL and started again on the same state.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly Dictionary<string, string> environment;
    private readonly StringBuilder output = new();
    private Process? process;

    private HostProcess(Dictionary<string, string> environment, Uri url)
    {
        this.environment = environment;
        Url = url;
    }

    public Uri Url { get; }

    public string TaskHub => environment["Durable__TaskHub"];

    public string TablePrefix => environment["Storage__TablePrefix"];

    /// <summary>What the process wrote so far, for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <param name="settings">Extra configuration as environment variables (e.g. <c>Builds__CheckInterval</c>).</param>
    public static HostProcess Create(IReadOnlyDictionary<string, string>? settings = null)
    {
        int httpPort = SidecarEndpoint.FreePort();
        Uri url = new($"http://127.0.0.1:{httpPort}");
        Dictionary<string, string> environment = new(LocalStack.Environment)
        {
            ["Http__Url"] = url.ToString().TrimEnd('/'),
            ["Durable__TaskHub"] = UniqueNames.Compact("t"),
            ["Durable__SidecarPort"] = SidecarEndpoint.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Storage__TablePrefix"] = UniqueNames.Compact("t"),
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        foreach ((string name, string value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        return new HostProcess(environment, url);
    }

    /// <summary>Starts the process and waits until its HTTP API answers.</summary>
    public async Task StartAsync()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "managed-images.dll");
        ProcessStartInfo start = new("dotnet")
        {
            ArgumentList = { dll, "serve" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using HttpClient http = new() { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        Stopwatch waited = Stopwatch.StartNew();
        while (waited.Elapsed < ReadyTimeout)
        {
            if (process.HasExited)
            {
                Assert.Fail($"the host exited with code {process.ExitCode} before it answered:\n{Output}");
            }

            try
            {
                using HttpResponseMessage response = await http.GetAsync("api/images");
                // A host with API keys answers a keyless request 401: it is up all the same.
                if (response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer while starting.
            }

            await Task.Delay(200);
        }

        Assert.Fail($"the host did not answer at {Url} within {ReadyTimeout.TotalSeconds} s:\n{Output}");
    }

    /// <summary>kill -9: no shutdown, no chance to release leases or messages.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    /// <summary>Stops the process and deletes the task hub and tables it made in Azurite (nothing else).</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        string storage = environment["MANAGEDIMAGES_STORAGE"];
        await AzureStorageBackend.Create(new DurableOptions { TaskHub = TaskHub }, storage, NullLoggerFactory.Instance).DeleteAsync();
        TableServiceClient tables = new(storage);
        await foreach (TableItem table in tables.QueryAsync(t => t.Name.CompareTo(TablePrefix) >= 0))
        {
            if (table.Name.StartsWith(TablePrefix, StringComparison.Ordinal))
            {
                await tables.DeleteTableAsync(table.Name);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
