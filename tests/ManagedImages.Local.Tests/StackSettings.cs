using System.Net.Sockets;

namespace ManagedImages.Local.Tests;

/// <summary>The shared local stack (Azurite, registry, Docker engine) as the environment describes it; a test fails when it is missing.</summary>
public sealed record StackSettings(string Storage, string Registry, string DockerHost)
{
    private const string Hint = "start it with scripts/stack up and export its settings: eval \"$(scripts/stack env)\"";

    public static StackSettings Require()
    {
        string storage = Variable("MANAGEDIMAGES_STORAGE");
        string registry = Variable("MANAGEDIMAGES_REGISTRY");
        string docker = Variable("DOCKER_HOST");
        RequireListening("Azurite queues", "127.0.0.1", 10001);
        RequireListening("Azurite tables", "127.0.0.1", 10002);
        string[] hostPort = registry.Split(':');
        RequireListening("the registry", hostPort[0], int.Parse(hostPort[1], System.Globalization.CultureInfo.InvariantCulture));
        if (docker.StartsWith("unix://", StringComparison.Ordinal) && !File.Exists(docker["unix://".Length..]))
        {
            Assert.Fail($"The Docker engine socket {docker} does not exist: {Hint}");
        }

        return new StackSettings(storage, registry, docker);
    }

    /// <summary>The stack's settings if it answers, without failing.</summary>
    public static bool TryRequire([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StackSettings? stack)
    {
        try
        {
            stack = Require();
            return true;
        }
        catch (Xunit.Sdk.FailException)
        {
            stack = null;
            return false;
        }
    }

    /// <summary>The variables a child host process needs to find the stack.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["MANAGEDIMAGES_STORAGE"] = Storage,
        ["MANAGEDIMAGES_REGISTRY"] = Registry,
        ["DOCKER_HOST"] = DockerHost,
    };

    private static string Variable(string name)
    {
        string? value = System.Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            Assert.Fail($"{name} is not set: the local stack is needed; {Hint}");
        }

        return value!;
    }

    private static void RequireListening(string what, string host, int port)
    {
        try
        {
            using TcpClient client = new();
            client.Connect(host, port);
        }
        catch (SocketException e)
        {
            Assert.Fail($"{what} does not answer on {host}:{port} ({e.Message}): {Hint}");
        }
    }
}
