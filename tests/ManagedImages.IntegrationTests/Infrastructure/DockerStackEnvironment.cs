using Docker.DotNet;

namespace ManagedImages.IntegrationTests.Infrastructure;

/// <summary>The stack's Docker engine and registry, as <c>scripts/stack env</c> names them; fails clearly when absent.</summary>
public static class DockerStackEnvironment
{
    private const string StartHint = "start it with scripts/stack up, then eval \"$(scripts/stack env)\"";

    public static string DockerHost => Require("DOCKER_HOST");

    public static string Registry => Require("MANAGEDIMAGES_REGISTRY");

    /// <summary>A client for the stack's engine, after checking that the engine and the registry answer.</summary>
    public static async Task<DockerClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var host = DockerHost;
        var registry = Registry;
        var docker = new DockerClientConfiguration(new Uri(host)).CreateClient();
        try
        {
            await docker.System.PingAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            docker.Dispose();
            throw new InvalidOperationException($"The Docker engine at DOCKER_HOST={host} does not answer ({e.Message}): {StartHint}", e);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await http.GetAsync(new Uri($"http://{registry}/v2/"), cancellationToken);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            docker.Dispose();
            throw new InvalidOperationException($"The registry at MANAGEDIMAGES_REGISTRY={registry} does not answer ({e.Message}): {StartHint}", e);
        }

        return docker;
    }

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: the local stack provides it; {StartHint}");
}
