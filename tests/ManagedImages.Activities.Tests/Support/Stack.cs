using System.Net.Sockets;
using Docker.DotNet;

namespace ManagedImages.Activities.Tests.Support;

/// <summary>The shared local stack, as <c>scripts/stack env</c> names it; every check fails with how to start it.</summary>
internal static class Stack
{
    private const string StartHint = "start it with scripts/stack up, then eval \"$(scripts/stack env)\" before running the tests";

    public static string Registry => Require("MANAGEDIMAGES_REGISTRY");

    /// <summary>Checks that Azurite, the registry and the Docker engine answer.</summary>
    public static async Task RequireAsync()
    {
        var storage = Require("MANAGEDIMAGES_STORAGE");
        var tables = TableEndpoint(storage);
        using (var tcp = new TcpClient())
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await tcp.ConnectAsync(tables.Host, tables.Port, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                throw new InvalidOperationException($"Azurite does not answer at {tables.Host}:{tables.Port}: {StartHint}", e);
            }
        }

        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{Registry}/v2/"));
                response.EnsureSuccessStatusCode();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new InvalidOperationException($"The registry at {Registry} does not answer: {StartHint}", e);
            }
        }

        using var docker = Docker();
        try
        {
            await docker.System.PingAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"The Docker engine at DOCKER_HOST does not answer ({e.Message}): {StartHint}", e);
        }
    }

    public static DockerClient Docker() => new DockerClientConfiguration(new Uri(Require("DOCKER_HOST"))).CreateClient();

    private static string Require(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"{variable} is not set: {StartHint}")
            : value;
    }

    private static Uri TableEndpoint(string connectionString)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length == 2 && pair[0].Trim().Equals("TableEndpoint", StringComparison.OrdinalIgnoreCase))
                return new Uri(pair[1].Trim());
        }
        return new Uri("http://127.0.0.1:10002");
    }
}
