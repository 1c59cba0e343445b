using System.Net.Sockets;
using Docker.DotNet;
using Microsoft.Extensions.Configuration;

namespace ManagedImages.TestSupport;

/// <summary>
/// The shared local stack (Azurite, the registry, the Docker engine), as <c>eval "$(scripts/stack env)"</c> exports
/// it. A missing setting or a part that does not answer fails with what to do, never a silent pass or skip.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The local stack of services, not a collection.")]
public static class LocalStack
{
    public const string StartHint = "start it with scripts/stack up, then eval \"$(scripts/stack env)\" before running the tests";

    public const string StorageVariable = "MANAGEDIMAGES_STORAGE";
    public const string RegistryVariable = "MANAGEDIMAGES_REGISTRY";
    public const string DockerHostVariable = "DOCKER_HOST";

    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The Azurite connection string (MANAGEDIMAGES_STORAGE).</summary>
    public static string Storage => Require(StorageVariable);

    /// <summary>The registry host and port, e.g. <c>127.0.0.1:5000</c> (MANAGEDIMAGES_REGISTRY).</summary>
    public static string Registry => Require(RegistryVariable);

    /// <summary>The Docker engine endpoint (DOCKER_HOST).</summary>
    public static string DockerHost => Require(DockerHostVariable);

    /// <summary>The variables a child process needs to find the stack.</summary>
    public static IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        [StorageVariable] = Storage,
        [RegistryVariable] = Registry,
        [DockerHostVariable] = DockerHost,
    };

    /// <summary>The configuration the hosts build from the stack's variables, with <paramref name="extra"/> on top.</summary>
    public static IConfiguration Configuration(IDictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = System.Environment.GetEnvironmentVariable(StorageVariable),
            ["CustomImages:Registry"] = System.Environment.GetEnvironmentVariable(RegistryVariable),
            ["Docker:Host"] = System.Environment.GetEnvironmentVariable(DockerHostVariable),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) values[key] = value;
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>Checks that Azurite, the registry and the Docker engine all answer.</summary>
    public static async Task RequireAllAsync(CancellationToken cancellationToken = default)
    {
        await RequireAzuriteAsync(cancellationToken);
        await RequireRegistryAsync(cancellationToken);
        await RequireDockerAsync(cancellationToken);
    }

    /// <summary>The connection string, after checking that Azurite's Table and Queue endpoints accept connections.</summary>
    public static async Task<string> RequireAzuriteAsync(CancellationToken cancellationToken = default)
    {
        var connectionString = Storage;
        foreach (var (service, defaultPort) in new[] { ("Table", 10002), ("Queue", 10001) })
        {
            var endpoint = Endpoint(connectionString, service, defaultPort);
            using var client = new TcpClient();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(AnswerTimeout);
                await client.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
            }
            catch (Exception e) when (e is SocketException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException(
                    $"Azurite's {service} service does not answer at {endpoint.Host}:{endpoint.Port} ({StorageVariable}): {StartHint}.", e);
            }
        }
        return connectionString;
    }

    /// <summary>The registry host, after checking that it answers <c>GET /v2/</c>.</summary>
    public static async Task<string> RequireRegistryAsync(CancellationToken cancellationToken = default)
    {
        var registry = Registry;
        using var http = new HttpClient { Timeout = AnswerTimeout };
        try
        {
            using var response = await http.GetAsync(new Uri($"http://{registry}/v2/"), cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"The registry at {RegistryVariable}={registry} answered {(int)response.StatusCode} to GET /v2/: {StartHint}.");
        }
        catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"The registry at {RegistryVariable}={registry} does not answer ({e.Message}): {StartHint}.", e);
        }
        return registry;
    }

    /// <summary>Checks that the stack's Docker engine answers.</summary>
    public static async Task RequireDockerAsync(CancellationToken cancellationToken = default)
    {
        using var docker = await ConnectDockerAsync(cancellationToken);
    }

    /// <summary>A client for the stack's engine, after checking that the engine answers.</summary>
    public static async Task<DockerClient> ConnectDockerAsync(CancellationToken cancellationToken = default)
    {
        var host = DockerHost;
        var docker = new DockerClientConfiguration(new Uri(host)).CreateClient();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(AnswerTimeout);
            await docker.System.PingAsync(timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            docker.Dispose();
            throw new InvalidOperationException($"The Docker engine at {DockerHostVariable}={host} does not answer ({e.Message}): {StartHint}.", e);
        }
        return docker;
    }

    /// <summary>A client for the stack's engine, without checking it (the caller disposes it).</summary>
    public static DockerClient Docker() => new DockerClientConfiguration(new Uri(DockerHost)).CreateClient();

    private static string Require(string variable) =>
        System.Environment.GetEnvironmentVariable(variable) is { } value && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new InvalidOperationException($"{variable} is not set: the tests need the local stack; {StartHint}.");

    /// <summary>The endpoint of an Azurite service named in the connection string, or its default port.</summary>
    private static Uri Endpoint(string connectionString, string service, int defaultPort)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length == 2 && pair[0].Trim().Equals(service + "Endpoint", StringComparison.OrdinalIgnoreCase))
                return new Uri(pair[1].Trim());
        }
        // UseDevelopmentStorage=true and friends: Azurite's default port.
        return new Uri($"http://127.0.0.1:{defaultPort}");
    }
}
